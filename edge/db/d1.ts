// Cloudflare D1: the binding from the Worker's env. Same `Db` as libSQL; D1 has no interactive
// transactions, which is why every repository writes through `runBatch` (see ./index.ts).
import { drizzle } from 'drizzle-orm/d1';
import type { AnyD1Database } from 'drizzle-orm/d1';
import type { Db } from './index.ts';
import * as schema from './schema.ts';

export function openD1(binding: AnyD1Database): Db {
  return drizzle(binding, { schema });
}
