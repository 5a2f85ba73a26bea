// The dispatcher as its own process over a file libSQL database, for the crash test: it runs
// until killed (SIGKILL in the test) or asked to stop (SIGTERM).
import { openLibsql } from '../../edge/db/libsql.ts';
import { createDispatcher } from '../../edge/dispatch/dispatcher.ts';
import { createRuntime } from '../../edge/runtime.ts';

const db = await openLibsql({ url: process.env.ROSTER_TEST_DB as string });
const runtime = await createRuntime({ db, log: () => {} });
const dispatcher = createDispatcher(runtime, { pollMs: 20, leaseMs: Number(process.env.ROSTER_TEST_LEASE_MS ?? 3000) });
void dispatcher.run();
process.stdout.write('dispatcher running\n');
process.on('SIGTERM', () => {
  void dispatcher.stop().then(() => process.exit(0));
});
