// The shared API suite against D1 inside workerd: each test gets an emptied D1 (`reset()`),
// migrated by the embedded runner, under a runtime with a cheap scrypt cost.
import { env, reset } from 'cloudflare:test';
import { openD1 } from '../../edge/db/d1.ts';
import { migrate } from '../../edge/db/migrate.ts';
import { createRuntime } from '../../edge/runtime.ts';
import { apiSuite } from '../api/suite.ts';

apiSuite('d1 (workerd)', async () => {
  await reset();
  const db = openD1(env.DB);
  await migrate(db);
  return createRuntime({ db, scryptCost: { ln: 4, r: 8, p: 1 }, log: () => {} });
});
