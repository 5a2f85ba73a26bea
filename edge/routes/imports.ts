// `POST /v1/imports` takes an HR file as the body (text/csv or application/json; `?mode=incremental`
// for a changes file, `?skipInvalid=true` to import the valid records of a file with errors);
// `GET /v1/imports/{id}` and `GET /v1/imports` show import runs. A refused file answers 422
// with every error by line and writes no identity.
import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/env.ts';
import { writeContext } from '../http/env.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { newRouter } from '../http/router.ts';
import { getImportRun, listImportRuns } from '../db/repos/import-runs.ts';
import { decodeUtf8 } from '../import/utf8.ts';
import { importWorkers } from '../import/service.ts';
import type { Runtime } from '../runtime.ts';

/** Bulk files are large: 64 MiB, about 250,000 workers. */
export const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;
/** Errors returned in the response (the run keeps up to 1000). */
const MAX_RESPONSE_ERRORS = 200;

const ImportError = z.object({ line: z.number().int().optional(), id: z.string().optional(), message: z.string() });
const ImportRun = z.object({
  id: z.string(),
  source: z.string(),
  fileName: z.string().nullable(),
  status: z.enum(['running', 'done', 'failed']),
  total: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  failed: z.number().int(),
  errors: z.array(ImportError),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
const ImportResponse = z.object({
  run: ImportRun,
  errors: z.array(ImportError),
  unchanged: z.number().int(),
  plan: z.object({ runId: z.string(), actions: z.number().int(), held: z.boolean() }).optional(),
});
const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

/**
 * The file, described for the document only (plain JSON Schema, so nothing validates it first):
 * the import checks every record itself and refuses the file with every error by line.
 */
const WorkerSchema = {
  type: 'object' as const,
  required: ['id', 'firstName', 'lastName', 'email'],
  properties: {
    id: { type: 'string' as const, description: 'the employee id' },
    op: { type: 'string' as const, enum: ['upsert', 'terminate'], description: 'changes files (`mode=incremental`) only' },
    status: { type: 'string' as const },
    login: { type: 'string' as const, description: 'default: the email, lowercased' },
    firstName: { type: 'string' as const },
    lastName: { type: 'string' as const },
    email: { type: 'string' as const },
  },
  additionalProperties: { description: 'any other profile attribute' },
};
const Workers = { type: 'array' as const, items: WorkerSchema };

const postRoute = createRoute({
  method: 'post',
  path: '/',
  summary: 'Import an HR file (workers or changes)',
  description: 'Body: CSV with a header row, or a JSON array of workers. Every record is validated first; with any error the file is refused (422) unless `skipInvalid=true`. Identities are written in one batch, then planned (run kind `import`).',
  request: {
    query: z.object({
      mode: z.enum(['full', 'incremental']).optional(),
      skipInvalid: z.enum(['true', 'false']).optional(),
      fileName: z.string().max(200).optional(),
    }),
    body: {
      required: true,
      content: {
        'text/csv': { schema: { type: 'string', description: 'a header row (`id,firstName,lastName,email,…`), then one worker a line' } },
        'application/json': { schema: { anyOf: [Workers, { type: 'object', required: ['workers'], properties: { workers: Workers } }] } },
      },
    },
  },
  responses: {
    201: { description: 'imported (and planned)', content: json(ImportResponse) },
    415: { description: 'the body is neither CSV nor JSON', content: json(ErrorBody) },
    422: { description: 'the file was refused: every error by line', content: json(ImportResponse) },
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  summary: 'An import run: progress, counts and errors',
  request: { params: z.object({ id: z.string().min(1).max(100) }) },
  responses: { 200: { description: 'the import run', content: json(ImportRun) }, 404: { description: 'no such import', content: json(ErrorBody) } },
});

const listRoute = createRoute({
  method: 'get',
  path: '/',
  summary: 'Recent import runs, newest first',
  request: { query: z.object({ source: z.string().min(1).max(100).optional().openapi({ description: '`hr` (HR files, `hr:changes` too), `app` (imports from apps), `app:<id>`, …' }) }) },
  responses: { 200: { description: 'import runs', content: json(z.object({ items: z.array(ImportRun) })) } },
});

export function importRoutes(runtime: Runtime): OpenAPIHono<AppEnv> {
  const app = newRouter();
  app.openapi(postRoute, async (c) => {
    const query = c.req.valid('query');
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const format = type === 'application/json' ? 'json' : type === 'text/csv' || type === 'text/plain' ? 'csv' : undefined;
    if (!format) throw new ApiError(415, 'unsupported_media_type', `send the file as \`text/csv\` or \`application/json\`, not \`${type || '(none)'}\``);
    const decoded = decodeUtf8(new Uint8Array(await c.req.arrayBuffer()));
    if (!decoded.ok) throw new ApiError(400, 'invalid_request', `the file is not UTF-8 text: line ${decoded.line} holds bytes that are not (save it as UTF-8 and send it again)`);
    const { text } = decoded;
    const result = await importWorkers(
      runtime,
      { runId: runtime.newId(), text, format, fileName: query.fileName, mode: query.mode ?? 'full', skipInvalid: query.skipInvalid === 'true' },
      writeContext(runtime, c.get('auth')),
    );
    const body = { run: result.run, errors: result.errors.slice(0, MAX_RESPONSE_ERRORS), unchanged: result.unchanged, ...(result.plan ? { plan: result.plan } : {}) };
    return c.json(body, result.run.status === 'failed' ? 422 : 201);
  });
  app.openapi(getRoute, async (c) => {
    const run = await getImportRun(runtime.db, c.req.valid('param').id);
    if (!run) throw notFound(`no import \`${c.req.valid('param').id}\``);
    return c.json(run, 200);
  });
  app.openapi(listRoute, async (c) => c.json({ items: await listImportRuns(runtime.db, 50, c.req.valid('query').source) }, 200));
  return app;
}
