// `GET /health`: public liveness plus a database round trip (no counts, no secrets).
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AppEnv } from '../http/env.ts';
import type { Runtime } from '../runtime.ts';

export function healthRoutes(runtime: Runtime): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    try {
      await runtime.db.run(sql`select 1`);
      return c.json({ status: 'ok', db: 'ok', time: runtime.now() });
    } catch {
      return c.json({ status: 'degraded', db: 'unreachable', time: runtime.now() }, 503);
    }
  });
  return app;
}
