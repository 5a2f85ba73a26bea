// The shared storage suite against Cloudflare D1 inside workerd. Each test gets an empty
// database: `reset()` drops every binding's storage (D1 included) before the suite migrates it
// with the embedded migrations, exactly as the Worker does at its first request.
import { env, reset } from 'cloudflare:test';
import { openD1 } from '../../edge/db/d1.ts';
import { storageSuite } from '../storage/suite.ts';

storageSuite('d1 (workerd)', async () => {
  await reset();
  return openD1(env.DB);
});
