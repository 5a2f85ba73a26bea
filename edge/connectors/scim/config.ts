// A SCIM app's `config`: where it is, how to authenticate, how accounts are matched.
import { z } from 'zod';
import { correlationShape } from '../correlation.ts';
import { appUrl, dispatchShape } from '../settings.ts';

const bearer = z.strictObject({ type: z.literal('bearer'), token: z.string().min(1) });
const oauth2 = z.strictObject({
  type: z.literal('oauth2'),
  tokenUrl: appUrl,
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  scope: z.string().optional(),
});

export const scimConfigSchema = z.strictObject({
  baseUrl: appUrl.describe('the SCIM base, e.g. `https://app.example.com/scim/v2`'),
  auth: z.discriminatedUnion('type', [bearer, oauth2]),
  matchAttribute: z.string().min(1).optional().describe('the SCIM attribute looked up before a create (default `userName`)'),
  ...correlationShape,
  pageSize: z.number().int().min(1).max(1000).optional().describe('import page size (default 100, capped by the app\'s filter.maxResults)'),
  ...dispatchShape,
});

export type ScimConfig = z.infer<typeof scimConfigSchema>;
