// A manual app's `config`: where task emails go out from. Owners come from the app file
// (`owners`), or `config.owners` to send elsewhere.
import { z } from 'zod';
import { correlationShape } from '../correlation.ts';
import { appUrl, dispatchShape } from '../settings.ts';

export const smtpSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  secure: z.boolean().optional().describe('TLS from the first byte (port 465); otherwise STARTTLS when offered'),
  user: z.string().optional(),
  password: z.string().optional(),
  from: z.string().min(3).describe('sender, e.g. `Roster <roster@example.com>`'),
});

export const manualConfigSchema = z.strictObject({
  smtp: smtpSchema.optional().describe('without it, tasks are listed in the API but not emailed'),
  owners: z.array(z.email()).min(1).optional(),
  /** Where admins confirm tasks (shown in the email). */
  consoleUrl: appUrl.optional(),
  ...correlationShape,
  ...dispatchShape,
});

export type ManualConfig = z.infer<typeof manualConfigSchema>;
