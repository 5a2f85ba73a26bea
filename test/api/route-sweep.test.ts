// Every route the app registers, swept over embedded libSQL. Each is described in /openapi.json;
// each described operation refuses a missing, bogus or revoked token (401) and every scope the
// auth middleware does not admit (403); and bad input (malformed JSON, bodies of the wrong type,
// oversized bodies, each body field missing, of the wrong type, outside its set or too long,
// unknown, overlong or odd ids, garbage query values) gets a 4xx `{error: {code, message}}` naming
// the field, writes nothing and logs no unhandled error. The operations are read from the document, so a
// route is swept as soon as it is registered.
import { describe, expect, it } from 'vitest';
import { TOKEN_SCOPES, revokeToken, verifyToken } from '../../edge/auth/tokens.ts';
import { DEFAULT_BODY_LIMIT, allowedScopes, isPublicPath } from '../../edge/http/index.ts';
import { routeModules } from '../../edge/routes/index.ts';
import { countRows } from './context.ts';
import type { ApiContext, RequestOptions } from './context.ts';
import { memoryApi } from './memory-api.ts';

/** The part of JSON Schema (as zod-openapi writes it) the sweep reads. */
interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
}
interface Parameter { name: string; in: string; required?: boolean; schema: Schema }
interface OperationObject {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, unknown>;
}
interface Operation { method: string; template: string; parameters: Parameter[]; body: Schema | undefined; mediaTypes: string[]; statuses: string[] }

/**
 * Routes the app registers that /openapi.json does not describe, and why. The UI's static files
 * are mounted by the Node entry (edge/entry/node.ts), not by createApp, so they are not listed.
 */
const UNDOCUMENTED = new Map([
  ['ALL /*', 'the app-wide middleware: request log, security headers, authentication, body limits'],
  ['GET /health', 'the public liveness probe, not an admin API route'],
  ['GET /openapi.json', 'the document itself'],
  ['GET /docs', "the document's page"],
  ['GET /docs/assets/init.js', "the page's start-up script"],
  ['ALL /scim/v2/*', 'SCIM describes itself (ServiceProviderConfig, Schemas, ResourceTypes: RFC 7644 §4); swept for auth below'],
]);
/** Described paths served without a token: sign-in checks the token it is given itself (edge/routes/session.test.ts). */
const PUBLIC = new Set(['/v1/session']);
/**
 * Operations that take a file, not a JSON request: a refused HR file is answered 422 with every
 * error by line and kept as a failed import (test/import/api.test.ts). Their bodies are not swept.
 */
const FILE_UPLOADS = new Set(['POST /v1/imports']);
const BOGUS_TOKEN = 'rst_admin_' + 'A'.repeat(43);
/**
 * Bodies that ignore a key they do not know instead of refusing it (every other body refuses one,
 * naming it), and why. A body registered loose without a reason here fails the sweep.
 */
const LOOSE_BODIES = new Map([
  ['POST /v1/jit', 'a login front end posts its token response as its OIDC library returns it; only `id_token` is read'],
  ['POST /v1/agent/actions/{id}/result', "the agent's wire (edge/agent/wire.ts): a result is what the agent's directory code returned"],
  ['POST /v1/agent/imports', "the agent's wire: accounts and groups as the agent read them"],
  ['POST /v1/agent/logins/{id}', "the agent's wire: a delegated login's answer"],
  ['POST /v1/login/delegated', 'a login front end posts its form as it is'],
]);
/** zod's refusal of a union, naming neither what nor where; never an answer (edge/http/issues.ts resolves unions). */
const BARE_UNION_REFUSAL = /Invalid input(?!:)/;
/** One value per JSON type, to send where the schema takes none of that type. */
const ONE_OF_EACH: [string[], unknown][] = [[['integer', 'number'], 42], [['string'], 'x'], [['boolean'], true], [['array'], []], [['object'], {}]];


const world = memoryApi();

const first = await world();
const doc = (await first.call('GET', '/openapi.json', { token: null })).body as { paths: Record<string, Record<string, OperationObject>>; components: { schemas: Record<string, Schema> } };
const registered = first.app.routes.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
const operations: Operation[] = Object.entries(doc.paths).flatMap(([template, item]) =>
  Object.entries(item).map(([method, op]) => ({
    method: method.toUpperCase(),
    template,
    parameters: op.parameters ?? [],
    body: op.requestBody?.content['application/json']?.schema,
    mediaTypes: Object.keys(op.requestBody?.content ?? {}),
    statuses: Object.keys(op.responses),
  })),
);

const resolve = (schema: Schema): Schema => (schema.$ref ? resolve(doc.components.schemas[schema.$ref.split('/').pop() as string] as Schema) : schema);

/** The least value a schema accepts: an id nobody has, the first of an enum, required keys only. */
function sample(given: Schema): unknown {
  const schema = resolve(given);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const alternative = schema.anyOf ?? schema.oneOf;
  if (alternative?.[0]) return sample(alternative[0]);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'string') return schema.format === 'email' ? 'nobody@example.com' : schema.format === 'date-time' ? '2025-01-01T00:00:00Z' : 'nope'.padEnd(schema.minLength ?? 0, 'x');
  if (type === 'integer' || type === 'number') return schema.minimum ?? 1;
  if (type === 'boolean') return true;
  if (type === 'array') return schema.items && schema.minItems ? [sample(schema.items)] : [];
  return Object.fromEntries((schema.required ?? []).map((key) => [key, sample(schema.properties?.[key] ?? {})]));
}

/** The path with unknown ids, and the required query parameters but `without`. */
function target(op: Operation, query: Record<string, string> = {}, without?: string): string {
  const path = op.template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(sample(op.parameters.find((p) => p.in === 'path' && p.name === name)?.schema ?? {}))));
  const params = new URLSearchParams();
  for (const p of op.parameters) if (p.in === 'query' && p.required && p.name !== without) params.set(p.name, String(sample(p.schema)));
  for (const [name, value] of Object.entries(query)) params.set(name, value);
  return params.size > 0 ? `${path}?${params}` : path;
}

/** Values no query parameter of this schema may take. */
function garbage(p: Parameter): string[] {
  const schema = resolve(p.schema);
  if (p.name === 'cursor') return ['%%%', 'AAAA', '~'.repeat(600)];
  if (schema.enum) return ['nope'];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type === 'integer' || type === 'number') return ['-1', 'abc', '1.5', '1e400'];
  if (schema.format === 'date-time') return ['yesterday', '2025-13-45T00:00:00Z'];
  // A bounded string one character too long, and empty where it may not be.
  return [...(schema.maxLength !== undefined ? ['x'.repeat(schema.maxLength + 1)] : []), ...(schema.minLength ? [''] : [])];
}

/** The JSON types a schema takes, or undefined when it takes any value. */
function jsonTypes(given: Schema): Set<string> | undefined {
  const schema = resolve(given);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    const each = alternatives.map(jsonTypes);
    return each.some((t) => t === undefined) ? undefined : new Set(each.flatMap((t) => [...(t as Set<string>)]));
  }
  const listed = schema.enum ?? (schema.const !== undefined ? [schema.const] : undefined);
  if (listed) return new Set(listed.map((v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)));
  if (schema.type === undefined) return schema.properties ? new Set(['object']) : undefined;
  return new Set(Array.isArray(schema.type) ? schema.type : [schema.type]);
}

/** A body's schema as the sweep's sample takes it: the first alternative of a union. */
const shapeOf = (body: Schema): Schema => {
  const schema = resolve(body);
  const alternative = (schema.anyOf ?? schema.oneOf)?.[0];
  return alternative ? shapeOf(alternative) : schema;
};

/** For each top-level field of a body: the sample without it (when required), and with a value of the wrong type, outside its set, out of range or too long. */
function badFields(body: Schema): { field: string; what: string; body: Record<string, unknown> }[] {
  const shape = shapeOf(body);
  const base = sample(body) as Record<string, unknown>;
  const out: { field: string; what: string; body: Record<string, unknown> }[] = [];
  for (const [field, given] of Object.entries(shape.properties ?? {})) {
    const schema = resolve(given);
    const put = (what: string, value: unknown) => out.push({ field, what: `${field}: ${what}`, body: { ...base, [field]: value } });
    if (shape.required?.includes(field)) {
      const { [field]: _gone, ...without } = base;
      out.push({ field, what: `${field}: missing`, body: without });
    }
    const types = jsonTypes(schema);
    const wrong = types && ONE_OF_EACH.find(([names]) => !names.some((n) => types.has(n)));
    if (wrong) put(`${wrong[0].join(' or ')} value`, wrong[1]);
    if (schema.enum?.every((v) => typeof v === 'string')) put('not an option', 'not-an-option');
    if (schema.maxLength !== undefined) put('too long', 'x'.repeat(schema.maxLength + 1));
    if (schema.minimum !== undefined) put('too small', schema.minimum - 1);
    // A value nested thousands deep where any value goes: refused, not a stack overflow (a 500).
    if (types === undefined) put('nested 10,000 deep', DEEP);
    else if (typeof schema.additionalProperties === 'object' && jsonTypes(schema.additionalProperties) === undefined) put('holding a value nested 10,000 deep', { k: DEEP });
  }
  return out;
}

/** Stands in for a value nested 10,000 deep, put in as text: JSON.stringify itself would overflow on it. */
const DEEP = '\u0000deep';
const asJson = (body: unknown): string => JSON.stringify(body).replace(JSON.stringify(DEEP), `${'['.repeat(10_000)}${']'.repeat(10_000)}`);

const isStrict = (body: Schema): boolean => {
  const schema = resolve(body);
  const alternatives = schema.anyOf ?? schema.oneOf;
  return alternatives ? alternatives.every(isStrict) : schema.additionalProperties === false;
};

/** The refusal names `field` (a detail's path, or the message as `field` or `field.sub`) and says what is wrong with it, not zod's bare "Invalid input". */
function namesField(res: { text: string; body: { error: { message: string; details?: unknown } } }, field: string, what: string): void {
  const { message, details } = res.body.error;
  const paths = Array.isArray(details) ? details.map((d: { path?: unknown }) => String(d.path)) : [];
  const named = paths.some((p) => p === field || p.startsWith(`${field}.`)) || new RegExp(`(^|[\\s\`])${field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\`.:\\s]`).test(message);
  expect(named, `${what}: names the field: ${res.text.slice(0, 300)}`).toBe(true);
  expect(res.text, `${what}: says what is wrong`).not.toMatch(BARE_UNION_REFUSAL);
}

const bodyLimit = (path: string) => Math.max(DEFAULT_BODY_LIMIT, ...routeModules.filter((m) => m.bodyLimit !== undefined && path.startsWith(m.path)).map((m) => m.bodyLimit as number));

/** Sends a request the app must refuse: a 4xx JSON error, nothing written. */
async function refused(t: ApiContext, op: Operation, what: string, path: string, options: RequestOptions) {
  const before = await countRows(t.runtime.db);
  const res = await t.call(op.method, path, options);
  expect(res.status, `${what}: ${res.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${what}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
  expect(res.body?.error, `${what}: ${res.text.slice(0, 300)}`).toMatchObject({ code: expect.any(String), message: expect.stringMatching(/./) });
  expect(await countRows(t.runtime.db), `${what} wrote`).toEqual(before);
  return res;
}

/** The sweep's unknown id made known, so garbage queries reach the checks after the lookup (cursors, filters). */
async function knowNope(t: ApiContext): Promise<void> {
  const seeds: [string, unknown][] = [['/v1/users', { id: 'nope', login: 'nope' }], ['/v1/groups', { id: 'nope', name: 'nope' }], ['/v1/apps', { id: 'nope', name: 'nope', connector: 'manual' }]];
  for (const [path, body] of seeds) expect((await t.call('POST', path, { body })).status, path).toBe(201);
}

const noUnhandled = (t: ApiContext) => expect(t.logs.filter((l) => l.includes('unhandled error'))).toEqual([]);

describe('route sweep', () => {
  it('describes every registered route in /openapi.json, but the listed few', () => {
    const undocumented = [...new Set(registered)].filter((r) => !UNDOCUMENTED.has(r) && !operations.some((op) => `${op.method} ${op.template}` === r));
    expect(undocumented).toEqual([]);
    for (const op of operations) expect(registered, `${op.method} ${op.template} is described but not served`).toContain(`${op.method} ${op.template}`);
    expect(operations.length).toBeGreaterThan(60);
    // The field sweep below reaches every JSON body's fields: none may fall out of it unnoticed.
    const swept = operations.filter((op) => op.body !== undefined && !FILE_UPLOADS.has(`${op.method} ${op.template}`));
    for (const op of swept) expect(badFields(op.body as Schema).length, `${op.method} ${op.template} has no fields to sweep`).toBeGreaterThan(0);
  });

  it('asks a token of every SCIM request and admits only admin and scim', async () => {
    const t = await world();
    for (const token of [null, BOGUS_TOKEN]) expect((await t.call('GET', '/scim/v2/Users', { token })).status).toBe(401);
    for (const scope of ['read', 'agent'] as const) expect((await t.call('POST', '/scim/v2/Users', { token: t.tokens[scope], body: { userName: 'ann' } })).status, scope).toBe(403);
    expect((await t.call('GET', '/scim/v2/Users', { token: t.tokens.scim })).status).toBe(200);
  });

  for (const op of operations) {
    describe(`${op.method} ${op.template}`, () => {
      const withBody = (options: RequestOptions): RequestOptions => (op.body ? { body: sample(op.body), ...options } : options);

      if (PUBLIC.has(op.template)) it('is public to the auth middleware, as the allow-list says', () => expect(isPublicPath(op.template)).toBe(true));
      else it('refuses a missing, bogus or revoked token (401) and every scope not admitted (403)', async () => {
        const t = await world();
        const path = target(op);
        const missing = await refused(t, op, 'no token', path, withBody({ token: null }));
        expect(missing.status).toBe(401);
        expect(missing.body.error.code).toBe('unauthorized');
        expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect((await refused(t, op, 'bogus token', path, withBody({ token: BOGUS_TOKEN }))).status).toBe(401);
        const admitted = allowedScopes(op.method, path);
        // A read token reads: whatever the middleware's rule becomes, it never changes anything.
        if (op.method !== 'GET') expect(admitted).not.toContain('read');
        for (const scope of TOKEN_SCOPES.filter((s) => !admitted.includes(s))) {
          const res = await refused(t, op, `${scope} token`, path, withBody({ token: t.tokens[scope] }));
          expect(res.status, scope).toBe(403);
          expect(res.body.error.code).toBe('forbidden');
        }
        for (const scope of admitted) {
          const res = await t.call(op.method, path, withBody({ token: t.tokens[scope] }));
          expect([401, 403], `${scope} token is admitted`).not.toContain(res.status);
          // Not bad input: a documented 503 (JIT before any rule set is active) may answer it.
          if (!op.statuses.includes(String(res.status))) expect(res.status, `${scope} token: ${res.text.slice(0, 300)}`).toBeLessThan(500);
        }
        const verified = await verifyToken(t.runtime.db, t.tokens.admin);
        if (!verified.ok) throw new Error('the admin token did not verify');
        await revokeToken(t.runtime.db, verified.value.id, { at: t.runtime.now(), actor: 'test' });
        expect((await refused(t, op, 'revoked token', path, withBody({ token: t.tokens.admin }))).status).toBe(401);
        noUnhandled(t);
      });

      if (op.body !== undefined && !FILE_UPLOADS.has(`${op.method} ${op.template}`)) it('answers malformed, mistyped and oversized JSON bodies with a 4xx naming the problem', async () => {
        const t = await world();
        const path = target(op);
        for (const raw of ['{"login": "ann",', '']) {
          const malformed = await refused(t, op, `malformed JSON ${JSON.stringify(raw)}`, path, { raw });
          expect(malformed.status).toBe(400);
          expect(malformed.body.error.code).toBe('invalid_json');
        }
        for (const wrong of [[], 'x', 42, null]) {
          const res = await refused(t, op, `body ${JSON.stringify(wrong)}`, path, { body: wrong });
          expect(res.status).toBe(400);
        }
        // A strict body refuses an unknown key, naming it; a loose one (listed, with why) answers as if it were not there.
        const key = `${op.method} ${op.template}`;
        if (isStrict(op.body as Schema)) {
          expect(LOOSE_BODIES.has(key), `${key} is listed as loose but refuses unknown keys`).toBe(false);
          const unexpected = await refused(t, op, 'an unknown key', path, { body: { ...(sample(op.body as Schema) as object), unexpected: 1 } });
          expect(JSON.stringify(unexpected.body.error), 'names the key').toContain('unexpected');
        } else {
          expect(LOOSE_BODIES.has(key), `${key} ignores unknown keys: make its body strict, or list it in LOOSE_BODIES with why`).toBe(true);
          const plain = await t.call(op.method, path, { body: sample(op.body as Schema) });
          expect((await t.call(op.method, path, { body: { ...(sample(op.body as Schema) as object), unexpected: 1 } })).status, 'an unknown key is ignored').toBe(plain.status);
        }
        if (!op.mediaTypes.some((m) => m.startsWith('text/'))) {
          const text = await refused(t, op, 'a text body', path, { raw: 'login=ann', headers: { 'content-type': 'text/plain' } });
          expect(text.status).toBe(415);
          expect(text.body.error.code).toBe('unsupported_media_type');
        }
        const limit = bodyLimit(path);
        const big = await refused(t, op, 'oversized body', path, { raw: JSON.stringify({ blob: 'x'.repeat(limit) }) });
        expect(big.status).toBe(413);
        expect(big.body.error.code).toBe('payload_too_large');
        noUnhandled(t);
      });

      if (op.body !== undefined && !FILE_UPLOADS.has(`${op.method} ${op.template}`)) it('refuses each field missing, of the wrong type, outside its set or too long, naming it', async () => {
        const t = await world();
        const path = target(op);
        const cases = badFields(op.body as Schema);
        for (const bad of cases) {
          const res = await refused(t, op, bad.what, path, { raw: asJson(bad.body) });
          expect(res.status, bad.what).toBe(400);
          namesField(res, bad.field, bad.what);
        }
        noUnhandled(t);
      });

      const pathParams = op.parameters.filter((p) => p.in === 'path');
      if (pathParams.length > 0) it('refuses an overlong or odd path value with a short 4xx naming it or the thing not found', async () => {
        const t = await world();
        for (const p of pathParams) {
          const bounded = resolve(p.schema).maxLength;
          const long = 'x'.repeat(Math.max(bounded ?? 0, 500) + 1);
          const res = await refused(t, op, `${p.name} of ${long.length} characters`, target(op).replace(encodeURIComponent(String(sample(p.schema))), long), withBody({}));
          expect(res.text.length, 'a refusal shows a long value by its start').toBeLessThan(2000);
          if (res.status === 400) namesField(res, p.name, `long ${p.name}`);
          // (`..` is not sent: a URL resolves it before any server sees it.)
          for (const odd of ['%00', '%20', '%F0%9F%92%A9', 'a%2Fb', '%E0%A4%A']) {
            const oddRes = await refused(t, op, `${p.name}=${odd}`, target(op).replace(encodeURIComponent(String(sample(p.schema))), odd), withBody({}));
            if (oddRes.status === 400) namesField(oddRes, p.name, `${p.name}=${odd}`);
          }
        }
        noUnhandled(t);
      });

      if (op.parameters.some((p) => p.in === 'path')) it('answers unknown ids with 404', async () => {
        const t = await world();
        const res = await refused(t, op, 'unknown id', target(op), withBody({}));
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('not_found');
        noUnhandled(t);
      });

      const queries = op.parameters.filter((p) => p.in === 'query');
      if (queries.length > 0) it('answers garbage query values with a 4xx', async () => {
        const t = await world();
        await knowNope(t);
        for (const p of queries) {
          for (const value of garbage(p)) {
            const res = await refused(t, op, `${p.name}=${value.slice(0, 20)}`, target(op, { [p.name]: value }), withBody({}));
            // An id the sweep has not made known is refused first, as not found (`no run \`nope\``).
            if (res.status === 400) namesField(res, p.name, `${p.name}=${value.slice(0, 20)}`);
            expect(res.text.length, 'a refusal shows a long value by its start').toBeLessThan(2000);
          }
          if (p.required) namesField(await refused(t, op, `without ${p.name}`, target(op, {}, p.name), withBody({})), p.name, `without ${p.name}`);
        }
        noUnhandled(t);
      });
    });
  }
});
