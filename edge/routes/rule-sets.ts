// `/v1/rule-sets`: upload or load rule files (a version per content hash, every one kept),
// list versions, activate one. Rules with errors are refused whole (422, every diagnostic).
import { createRoute, z } from '@hono/zod-openapi';
import type { SourceFile } from '../../engine/types.ts';
import type { RuleSetVersion } from '../db/repos/index.ts';
import { MAX_LIMIT, RULE_SET_PAGE, activateRuleSet, getRuleSet, pageRuleSets, saveRuleSet } from '../db/repos/index.ts';
import { writeContext } from '../http/env.ts';
import { ApiError, invalidRules, notFound, unwrap } from '../http/errors.ts';
import { newRouter } from '../http/router.ts';
import { DiagnosticSchema, PageQuery, SourceFileSchema, errorResponses, json, jsonBody, pageOf } from '../openapi/schemas.ts';
import type { Runtime } from '../runtime.ts';
import { compileFiles } from '../services/engine.ts';

const RuleSetSchema = z.object({ version: z.string(), source: z.string(), createdAt: z.string(), active: z.boolean() }).openapi('RuleSetVersion');
const SavedSchema = RuleSetSchema.extend({ created: z.boolean(), diagnostics: z.array(DiagnosticSchema).openapi({ description: 'warnings (errors refuse the upload)' }) }).openapi('RuleSetSaved');
const UploadBody = z.strictObject({ files: z.array(SourceFileSchema).min(1).max(2000), activate: z.boolean().optional().openapi({ description: 'make it the active version (default false)' }) }).openapi('RuleSetUpload');
const LoadBody = z.strictObject({ activate: z.boolean().optional().openapi({ description: 'default true' }) });
const VersionParam = z.object({ version: z.string().min(1).max(128) });

const tags = ['rule sets'];
const security = [{ bearer: [] }];
const upload = createRoute({ method: 'post', path: '/', tags, security, summary: 'upload rule files', request: { body: jsonBody(UploadBody) }, responses: { 201: json(SavedSchema, 'a new version'), 200: json(SavedSchema, 'a known version'), ...errorResponses(400, 413, 422) } });
const load = createRoute({ method: 'post', path: '/load', tags, security, summary: "load the runtime's rules/ directory", request: { body: { required: false, content: { 'application/json': { schema: LoadBody } } } }, responses: { 201: json(SavedSchema, 'a new version'), 200: json(SavedSchema, 'a known version'), ...errorResponses(409, 422) } });
const ListQuery = PageQuery.extend({
  limit: PageQuery.shape.limit.openapi({ description: `page size (1–${MAX_LIMIT}, default ${RULE_SET_PAGE})` }),
  active: z.enum(['true', 'false']).optional().openapi({ description: '`true`: only the active version' }),
});
const list = createRoute({ method: 'get', path: '/', tags, security, summary: 'every version, newest first, a page at a time', request: { query: ListQuery }, responses: { 200: json(pageOf(RuleSetSchema, 'RuleSetPage')), ...errorResponses(400) } });
const read = createRoute({ method: 'get', path: '/{version}', tags, security, summary: 'one version with its files', request: { params: VersionParam }, responses: { 200: json(RuleSetSchema.extend({ files: z.array(SourceFileSchema) })), ...errorResponses(404) } });
const activate = createRoute({ method: 'post', path: '/{version}/activate', tags, security, summary: 'make a version the active one', request: { params: VersionParam }, responses: { 200: json(RuleSetSchema), ...errorResponses(404) } });

const versionBody = (v: Omit<RuleSetVersion, 'files'>) => ({ version: v.version, source: v.source, createdAt: v.createdAt, active: v.active });

export function ruleSetRoutes(runtime: Runtime) {
  const app = newRouter();
  const { db } = runtime;

  async function save(files: SourceFile[], source: string, activateIt: boolean, ctx: ReturnType<typeof writeContext>) {
    const compiled = compileFiles(files);
    if (compiled.errors.length > 0) throw invalidRules(compiled.errors, compiled.diagnostics, 'nothing was stored');
    const { created, version } = await saveRuleSet(db, { version: compiled.ruleSet.version, files, source }, ctx, { activate: activateIt });
    return { created, body: { ...versionBody(version), created, diagnostics: compiled.diagnostics } };
  }

  app.openapi(upload, async (c) => {
    const body = c.req.valid('json');
    const { created, body: out } = await save(body.files, 'upload', body.activate ?? false, writeContext(runtime, c.get('auth')));
    return created ? c.json(out, 201) : c.json(out, 200);
  });
  app.openapi(load, async (c) => {
    if (!runtime.rules) throw new ApiError(409, 'no_rules_source', 'this deployment has no rules directory: upload the files instead');
    const body = (c.req.valid('json') as z.infer<typeof LoadBody> | undefined) ?? {};
    const files = await runtime.rules.load();
    if (files.length === 0) throw new ApiError(422, 'invalid_rules', 'the rules directory has no rule files', { diagnostics: [] });
    const { created, body: out } = await save(files, 'rules/', body.activate ?? true, writeContext(runtime, c.get('auth')));
    return created ? c.json(out, 201) : c.json(out, 200);
  });
  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const page = unwrap(await pageRuleSets(db, { ...(q.limit !== undefined ? { limit: q.limit } : {}), ...(q.cursor !== undefined ? { cursor: q.cursor } : {}), ...(q.active !== undefined ? { active: q.active === 'true' } : {}) }));
    return c.json({ items: page.items.map(versionBody), ...(page.nextCursor ? { next: page.nextCursor } : {}) }, 200);
  });
  app.openapi(read, async (c) => {
    const row = await getRuleSet(db, c.req.valid('param').version);
    if (!row) throw notFound(`no rule set version \`${c.req.valid('param').version}\``);
    return c.json({ ...versionBody(row), files: row.files }, 200);
  });
  app.openapi(activate, async (c) => {
    const row = unwrap(await activateRuleSet(db, c.req.valid('param').version, writeContext(runtime, c.get('auth'))));
    return c.json(versionBody(row), 200);
  });
  return app;
}
