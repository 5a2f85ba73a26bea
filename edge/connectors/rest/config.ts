// A web-service app's `config`: its base URL, authentication, and per action type the request
// to send (method, path template, JSON body template). `lookup` finds an account before a
// create, which is what makes a repeated create harmless.
import { z } from 'zod';
import { ACTION_TYPES } from '../../../engine/types.ts';
import { jsonValueSchema } from '../../../engine/conditions/schema.ts';
import { correlationShape } from '../correlation.ts';
import { appUrl, dispatchShape } from '../settings.ts';

export const endpointSchema = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  path: z.string().startsWith('/').describe('path template, e.g. `/users/{{externalId}}`'),
  body: jsonValueSchema.optional().describe('JSON template; `{{attributes.email}}`, `{{userId}}`, `{{changes.title}}`, `{{role}}`, `{{password}}`'),
  /** Statuses that mean "already so" (e.g. 404 on a delete). */
  alreadyOn: z.array(z.number().int().min(100).max(599)).optional(),
});

const auth = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('bearer'), token: z.string().min(1) }),
  z.strictObject({ type: z.literal('basic'), user: z.string().min(1), password: z.string() }),
  z.strictObject({ type: z.literal('header'), name: z.string().min(1), value: z.string().min(1) }),
]);

export const restConfigSchema = z.strictObject({
  baseUrl: appUrl,
  auth: auth.optional(),
  /** How to find an account: 200 with the account, 404 when there is none. */
  lookup: endpointSchema.optional(),
  /** Where the app's id for an account is in a create or lookup response (default `id`). */
  idField: z.string().min(1).optional(),
  actions: z.partialRecord(z.enum(ACTION_TYPES), endpointSchema).refine((a) => Object.keys(a).length > 0, 'name at least one action type'),
  ...correlationShape,
  ...dispatchShape,
});

export type RestConfig = z.infer<typeof restConfigSchema>;
export type Endpoint = z.infer<typeof endpointSchema>;
