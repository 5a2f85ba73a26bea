// How an app's accounts, when Roster reads them (an import), are matched to identities: any
// connector's config may carry these (edge/connectors/sync/import.ts reads them).
import { z } from 'zod';

/** Import correlation: an identity attribute compared with an account attribute, tried in order. */
export const matchRuleSchema = z.strictObject({
  user: z.string().min(1).describe('identity attribute, e.g. `email`, `login`, `employeeNumber`'),
  app: z.string().min(1).describe('account attribute as read, e.g. `email`, `userName`, `externalId`'),
});

export type MatchRule = z.infer<typeof matchRuleSchema>;

export const DEFAULT_MATCH: MatchRule[] = [
  { user: 'email', app: 'email' },
  { user: 'login', app: 'userName' },
];

/** The correlation keys of an app's config, spread into each connector's config schema. */
export const correlationShape = {
  match: z.array(matchRuleSchema).min(1).optional().describe('import correlation rules in order (default email, then login = userName)'),
  autoConfirm: z.boolean().optional().describe('import: link single matches without an admin (default false)'),
};
