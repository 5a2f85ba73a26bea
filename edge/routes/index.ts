// The route modules `createApp` mounts, in order. Other areas append one line each here.
import type { Hono } from 'hono';
import type { AppEnv } from '../http/env.ts';
import type { Runtime } from '../runtime.ts';
import { healthRoutes } from './health.ts';
import { sessionRoutes } from './session.ts';
import { IMPORT_BODY_LIMIT, importRoutes } from './imports.ts';
import { jitRoutes } from './jit.ts';

export interface RouteModule {
  /** Mount point, e.g. `/v1/users`. */
  path: string;
  routes(runtime: Runtime): Hono<AppEnv>;
  /** Largest request body in bytes (default 1 MiB). */
  bodyLimit?: number;
}

export const routeModules: RouteModule[] = [
  { path: '/health', routes: healthRoutes },
  { path: '/v1/session', routes: sessionRoutes },
  { path: '/v1/imports', routes: importRoutes, bodyLimit: IMPORT_BODY_LIMIT },
  { path: '/v1/jit', routes: (runtime) => jitRoutes(runtime) },
];
