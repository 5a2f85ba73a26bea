// The storage suite against D1, driven from Node through Miniflare (real workerd D1 semantics:
// no interactive transactions, 100 bound parameters per statement, D1's error messages).
// The Workers runtime run (vitest-pool-workers) imports the same suite.
import { Miniflare } from 'miniflare';
import { afterAll } from 'vitest';
import { openD1 } from '../../edge/db/d1.ts';
import { storageSuite } from './suite.ts';

// Miniflare fixes its bindings up front: one empty database per test, handed out in order.
const DATABASES = 48;
const names = Array.from({ length: DATABASES }, (_, i) => `DB${i}`);
const mf = new Miniflare({
  modules: true,
  script: 'export default { fetch() { return new Response(null, { status: 404 }) } }',
  d1Databases: Object.fromEntries(names.map((name) => [name, `storage-${name}`])),
});
let next = 0;

afterAll(() => mf.dispose());

storageSuite('d1 (miniflare)', async () => {
  const name = names[next++];
  if (name === undefined) throw new Error(`more than ${DATABASES} storage tests: raise DATABASES in d1-miniflare.test.ts`);
  return openD1((await mf.getD1Database(name)) as unknown as Parameters<typeof openD1>[0]);
});
