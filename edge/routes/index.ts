// The route modules `createApp` mounts, in order. Other areas append one line each here.
import type { Hono } from 'hono';
import type { AppEnv } from '../http/env.ts';
import type { Runtime } from '../runtime.ts';
import { appRoutes } from './apps.ts';
import { connectorRoutes } from './connectors.ts';
import { auditRoutes } from './audit.ts';
import { groupRoutes } from './groups.ts';
import { healthRoutes } from './health.ts';
import { reportRoutes } from './reports.ts';
import { ruleSetRoutes } from './rule-sets.ts';
import { outboxRoutes, runRoutes } from './runs.ts';
import { observedRoutes } from './observed.ts';
import { simulateRoutes } from './simulate.ts';
import { userRoutes } from './users.ts';
import { sessionRoutes } from './session.ts';
import { taskRoutes } from './tasks.ts';
import { tokenRoutes } from './tokens.ts';
import { IMPORT_BODY_LIMIT, importRoutes } from './imports.ts';
import { jitRoutes } from './jit.ts';
import { SCIM_BODY_LIMIT, scimRoutes } from './scim.ts';
import { agentRoutes, delegatedLoginRoutes } from './agent.ts';
import { appLinkRoutes, matchRoutes, userLinkRoutes } from './links.ts';

export interface RouteModule {
  /** Mount point, e.g. `/v1/users`. */
  path: string;
  routes(runtime: Runtime): Hono<AppEnv>;
  /** Largest request body in bytes (default 1 MiB). */
  bodyLimit?: number;
}

export const routeModules: RouteModule[] = [
  { path: '/health', routes: healthRoutes },
  { path: '/v1/users', routes: userRoutes },
  { path: '/v1/users', routes: userLinkRoutes },
  { path: '/v1/groups', routes: groupRoutes },
  { path: '/v1/apps', routes: appRoutes },
  { path: '/v1/apps', routes: appLinkRoutes },
  { path: '/v1/rule-sets', routes: ruleSetRoutes, bodyLimit: 4 * 1024 * 1024 },
  { path: '/v1/simulate', routes: simulateRoutes, bodyLimit: 4 * 1024 * 1024 },
  { path: '/v1/observed', routes: observedRoutes },
  { path: '/v1/runs', routes: runRoutes },
  { path: '/v1/outbox', routes: outboxRoutes },
  { path: '/v1/reports', routes: reportRoutes },
  { path: '/v1/audit', routes: auditRoutes },
  { path: '/v1/session', routes: sessionRoutes },
  { path: '/v1/tasks', routes: taskRoutes },
  { path: '/v1/tokens', routes: tokenRoutes },
  { path: '/v1/connectors', routes: connectorRoutes },
  { path: '/v1/connectors', routes: matchRoutes },
  { path: '/v1/imports', routes: importRoutes, bodyLimit: IMPORT_BODY_LIMIT },
  { path: '/v1/jit', routes: (runtime) => jitRoutes(runtime) },
  { path: '/scim/v2', routes: scimRoutes, bodyLimit: SCIM_BODY_LIMIT },
  { path: '/v1/agent', routes: agentRoutes, bodyLimit: 16 * 1024 * 1024 },
  { path: '/v1/login', routes: (runtime) => delegatedLoginRoutes(runtime) },
];
