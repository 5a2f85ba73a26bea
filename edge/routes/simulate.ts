// `POST /v1/simulate`: what a run would do, for stored users or given profiles, under the
// active, a stored or an uploaded rule set, as of any instant. Nothing is written.
import { createRoute, z } from '@hono/zod-openapi';
import { USER_STATUSES } from '../../engine/types.ts';
import type { RuleSet, SourceFile, User } from '../../engine/types.ts';
import { withReadHealth } from '../connectors/sync/import.ts';
import { observedState } from '../db/repos/index.ts';
import { ApiError, invalidRules, notFound } from '../http/errors.ts';
import { newRouter } from '../http/router.ts';
import { ActionSchema, DiagnosticSchema, SourceFileSchema, errorResponses, json, jsonBody } from '../openapi/schemas.ts';
import type { Runtime } from '../runtime.ts';
import { compileFiles, countActions, heldReasons, loadRuleSet, planUsers } from '../services/engine.ts';
import { allUsers, usersByIds } from '../services/users.ts';

// `status` is checked in `users`' refinement, which says which user and what was sent.
const Profile = z.looseObject({ id: z.string().min(1), status: z.string().optional().openapi({ enum: [...USER_STATUSES] }) }).openapi({ description: 'a user profile (not stored)' });
const SimulateBody = z
  .strictObject({
    users: z
      .union([z.array(z.string().min(1)).max(10_000), z.array(Profile).max(10_000)])
      .optional()
      .superRefine((users, ctx) => {
        // The plan is per user: one given twice would be counted twice and its actions merged.
        const seen = new Map<string, number>();
        users?.forEach((u, i) => {
          const id = typeof u === 'string' ? u : u.id;
          if (typeof u !== 'string' && u.status !== undefined && !(USER_STATUSES as readonly string[]).includes(u.status)) {
            ctx.addIssue({ code: 'custom', path: [i, 'status'], message: `\`${u.status}\` is not a status: use ${USER_STATUSES.map((st) => `\`${st}\``).join(', ')}` });
          }
          const first = seen.get(id);
          if (first === undefined) seen.set(id, i);
          else ctx.addIssue({ code: 'custom', path: [i], message: `user \`${id}\` is given twice (also at \`users.${first}\`)` });
        });
      })
      .openapi({ description: 'user ids, or profiles, each once; default every stored user' }),
    ruleSet: z.union([z.string().min(1), z.array(SourceFileSchema).min(1)]).optional().openapi({ description: 'a stored version, or files; default the active version' }),
    asOf: z.iso.datetime({ offset: true }).optional(),
  })
  .openapi('Simulate');
const SimulateResult = z
  .object({
    version: z.string(),
    asOf: z.string(),
    users: z.number().int(),
    held: z.boolean(),
    heldReasons: z.array(z.string()),
    counts: z.record(z.string(), z.number()),
    actions: z.array(ActionSchema),
    diagnostics: z.array(DiagnosticSchema),
  })
  .openapi('SimulateResult');

const route = createRoute({
  method: 'post', path: '/', tags: ['runs'], security: [{ bearer: [] }], summary: 'plan without side effects',
  request: { body: jsonBody(SimulateBody) },
  responses: { 200: json(SimulateResult), ...errorResponses(400, 404, 409, 413, 422) },
});

export function simulateRoutes(runtime: Runtime) {
  const app = newRouter();
  const { db } = runtime;
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const ruleSet = await resolveRuleSet(runtime, body.ruleSet);
    let users: User[];
    // Every user: read all observed state at once instead of by id, with each app's read health,
    // as a reconcile plans.
    const observed = body.users === undefined ? await withReadHealth(db, await observedState(db)) : undefined;
    if (body.users === undefined) users = await allUsers(db);
    else if (body.users.every((u) => typeof u === 'string')) {
      const found = await usersByIds(db, body.users as string[]);
      if (found.missing.length > 0) throw notFound(`no user ${found.missing.slice(0, 5).map((id) => `\`${id}\``).join(', ')}${found.missing.length > 5 ? ` and ${found.missing.length - 5} more` : ''}`);
      users = found.users;
    } else users = body.users as User[];
    const { plan } = await planUsers(db, ruleSet, users, body.asOf ?? runtime.now(), observed);
    const reasons = heldReasons(plan);
    return c.json({ version: plan.version, asOf: plan.asOf, users: users.length, held: reasons.length > 0, heldReasons: reasons, counts: countActions(plan), actions: plan.actions, diagnostics: plan.diagnostics }, 200);
  });
  return app;
}

async function resolveRuleSet(runtime: Runtime, spec: string | SourceFile[] | undefined): Promise<RuleSet> {
  if (Array.isArray(spec)) {
    const compiled = compileFiles(spec);
    if (compiled.errors.length > 0) throw invalidRules(compiled.errors, compiled.diagnostics);
    return compiled.ruleSet;
  }
  const ruleSet = await loadRuleSet(runtime.db, spec);
  if (ruleSet) return ruleSet;
  if (spec !== undefined) throw notFound(`no rule set version \`${spec}\``);
  throw new ApiError(409, 'no_active_rule_set', 'no rule set is active: pass `ruleSet` or activate one');
}
