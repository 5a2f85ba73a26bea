// Request and response schemas, written once: zod-openapi validates request bodies from them
// and generates /openapi.json from them. Bodies reject unknown keys (typos are errors).
import { z } from '@hono/zod-openapi';
import { findPath, nestedDeeperThan } from '../../engine/compile/issues.ts';
import { USER_STATUSES } from '../../engine/types.ts';
import { MAX_LIMIT } from '../db/repos/cursor.ts';
import { reservedKey } from '../import/parse.ts';
import { MAX_LOGIN_LENGTH, loginProblem } from '../import/validate.ts';

export const ErrorSchema = z
  .object({ error: z.object({ code: z.string().openapi({ example: 'not_found' }), message: z.string(), details: z.unknown().optional() }) })
  .openapi('Error');

/** Deeper than any profile attribute or connector setting needs (a REST body template included). */
export const MAX_JSON_DEPTH = 32;
/**
 * Any JSON value nested at most MAX_JSON_DEPTH levels: deeper ones are refused here, naming the
 * field, before code that walks values recursively (JSON.stringify, secret sealing, zod's own
 * recursive schemas) overflows the stack and answers 500.
 */
export const JsonValue: z.ZodType<unknown> = z.unknown().superRefine((value, ctx) => {
  if (nestedDeeperThan(value, MAX_JSON_DEPTH)) return ctx.addIssue({ code: 'custom', message: `nested more than ${MAX_JSON_DEPTH} levels deep` });
  // JSON parses `1e400` as Infinity and writes it back as null: the value would be lost.
  const infinite = findPath(value, (node) => typeof node === 'number' && !Number.isFinite(node));
  if (infinite) ctx.addIssue({ code: 'custom', path: infinite, message: 'is a number too large to store (JSON would keep it as null)' });
});
/**
 * Profile attributes. Checked before the record is read, which drops a `__proto__` key without a
 * word (the value was lost): it, `constructor` and `prototype` are refused, as HR files refuse them.
 */
export const Profile = z
  .unknown()
  .superRefine((value, ctx) => {
    // Too deep for a walk: JsonValue refuses it, naming the field.
    const reserved = nestedDeeperThan(value, MAX_JSON_DEPTH) ? undefined : reservedKey(value);
    if (reserved !== undefined) ctx.addIssue({ code: 'custom', path: reserved.split('.'), message: 'is a reserved name: `__proto__`, `prototype` and `constructor` are not attributes' });
  })
  .pipe(z.record(z.string(), JsonValue))
  .openapi({ type: 'object', additionalProperties: {}, example: { department: 'Engineering', firstName: 'Ann' } });
const Id = z.string().min(1).max(200).regex(/^[A-Za-z0-9._@:-]+$/, 'use letters, digits and . _ @ : -');
/** A login people type and apps receive: the one rule HR files and JIT claims follow too (`loginProblem`). */
const Login = z
  .string()
  .min(1)
  .max(MAX_LOGIN_LENGTH)
  .superRefine((login, ctx) => {
    const problem = loginProblem(login);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).optional().openapi({ description: `page size (1–${MAX_LIMIT}, default 50)` }),
  cursor: z.string().max(500).optional().openapi({ description: 'the `next` value of the previous page' }),
});

export const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ items: z.array(item), next: z.string().optional().openapi({ description: 'cursor of the next page; absent on the last' }) }).openapi(name);

/** Longer than any id Roster issues or accepts (an app import's is `app-<id>-<uuid>`), so a megabyte path is refused naming `id`. */
export const IdParam = z.object({ id: z.string().min(1).max(500).openapi({ param: { name: 'id', in: 'path' } }) });

export const UserStatusSchema = z.enum(USER_STATUSES);

export const UserSchema = z
  .object({
    id: z.string(),
    login: z.string(),
    email: z.string().nullable(),
    status: z.string(),
    profile: z.record(z.string(), JsonValue),
    attributeSources: z.record(z.string(), z.string()).openapi({ description: 'where each profile attribute comes from: `hr`, `ldap`, `admin`, `scim` or `jit` (the highest-ranked source that holds it)' }),
    version: z.number().int(),
    passwordChangedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('User');

export const UserCreateSchema = z
  .strictObject({
    id: Id.optional().openapi({ description: 'generated when absent' }),
    login: Login.openapi({ description: 'unique ignoring case: `Alice` is refused (409) while `alice` exists' }),
    email: z.email().nullable().optional(),
    status: UserStatusSchema.optional().openapi({ description: 'default ACTIVE' }),
    profile: Profile.optional(),
  })
  .openapi('UserCreate');

export const UserPatchSchema = z
  .strictObject({
    login: Login.optional(),
    email: z.email().nullable().optional(),
    profile: Profile.optional().openapi({ description: 'merged into the profile as admin edits; a `null` value removes the admin\'s value. An attribute a higher source holds (HR, the directory) is refused with 409 `attribute_mastered`' }),
    version: z.number().int().min(1).optional().openapi({ description: 'the version you read (or send `If-Match`)' }),
  })
  .openapi('UserPatch');

export const UserListQuery = z.looseObject({
  ...PageQuery.shape,
  status: UserStatusSchema.optional(),
  q: z.string().max(200).optional().openapi({ description: 'substring of login, email or displayName' }),
  department: z.string().optional().openapi({ description: 'any other parameter filters on the profile attribute of that name' }),
});

export const GroupSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    source: z.string().openapi({ description: '`manual`, `rules` (a `kind: group` of the active rule set) or an app id' }),
    definedAt: z.string().optional().openapi({ description: "a rule set's group: the rule file and line that define it" }),
  })
  .openapi('Group');
export const GroupCreateSchema = z.strictObject({ id: Id, name: z.string().min(1).max(200), description: z.string().max(2000).nullable().optional() }).openapi('GroupCreate');
export const GroupMemberSchema = z
  .object({ userId: z.string(), login: z.string(), status: z.string(), source: z.string().openapi({ description: 'who made the user a member: `rules`, `manual`, or an app id' }) })
  .openapi('GroupMember');
export const GroupPatchSchema = z.strictObject({ name: z.string().min(1).max(200).optional(), description: z.string().max(2000).nullable().optional() }).openapi('GroupPatch');

export const CONNECTORS = ['scim', 'ldap', 'rest', 'manual'] as const;
export const AppSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    connector: z.string(),
    config: z.record(z.string(), JsonValue).openapi({ description: 'secret values (tokens, passwords, keys, a header API key) are stored sealed and shown as `(redacted)`' }),
    status: z.string().openapi({ description: '`ok`, `quarantined`, or `unconnected`: the active rule set defines the app and no connection is registered (its actions wait)' }),
    quarantinedUntil: z.string().nullable(),
    definedAt: z.string().optional().openapi({ description: 'the rule file and line that define the app, when the active rule set does' }),
    mappings: z
      .array(z.object({ attribute: z.string(), expr: z.string(), createOnly: z.boolean() }))
      .optional()
      .openapi({ description: "the rule file's attribute mappings: the CEL expression each account attribute is computed with" }),
  })
  .openapi('App');
export const AppCreateSchema = z
  .strictObject({ id: Id, name: z.string().min(1).max(200), connector: z.enum(CONNECTORS), config: z.record(z.string(), JsonValue).optional() })
  .openapi('AppCreate');
export const AppPatchSchema = z
  .strictObject({ name: z.string().min(1).max(200).optional(), connector: z.enum(CONNECTORS).optional(), config: z.record(z.string(), JsonValue).optional().openapi({ description: 'replaces the config; `(redacted)` values keep the stored secret' }) })
  .openapi('AppPatch');

export const ActionSchema = z
  .object({ id: z.string(), type: z.string(), userId: z.string().optional(), appId: z.string().optional(), groupId: z.string().optional(), notBefore: z.string().optional() })
  .passthrough()
  .openapi('Action');

/** The run a change planned, as the change's answer names it. */
export const RunRefSchema = z.object({ id: z.string(), status: z.string(), ruleSetVersion: z.string().nullable(), heldReasons: z.array(z.string()) }).openapi('RunRef');

export const DiagnosticSchema = z
  .object({ code: z.string(), severity: z.enum(['error', 'warning']), message: z.string(), file: z.string().optional(), line: z.number().optional(), path: z.array(z.union([z.string(), z.number()])).optional(), ruleId: z.string().optional() })
  .openapi('Diagnostic');

export const SourceFileSchema = z.strictObject({ path: z.string().min(1).max(500), text: z.string() }).openapi('SourceFile');

/** Standard error responses for a route's OpenAPI description. */
export function errorResponses(...statuses: number[]): Record<number, { description: string; content: { 'application/json': { schema: typeof ErrorSchema } } }> {
  const words: Record<number, string> = {
    400: 'invalid JSON, body, query or cursor',
    401: 'missing, invalid or revoked token',
    403: 'the token scope does not allow this',
    404: 'unknown id',
    409: 'conflict (duplicate, stale version, wrong state)',
    412: 'If-Match does not match',
    413: 'body over the limit',
    422: 'rules with errors, or a password that breaks the policy',
  };
  const out: Record<number, { description: string; content: { 'application/json': { schema: typeof ErrorSchema } } }> = {};
  for (const s of [401, 403, ...statuses]) out[s] = { description: words[s] ?? 'error', content: { 'application/json': { schema: ErrorSchema } } };
  return out;
}

export const json = <T extends z.ZodType>(schema: T, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
export const jsonBody = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });
