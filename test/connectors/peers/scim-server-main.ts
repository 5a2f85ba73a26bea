// The test SCIM server as its own process (for benchmarks): prints its base URL, serves until killed.
import { startScimServer } from './scim-server.ts';

const server = await startScimServer({ unique: true });
process.stdout.write(`${server.baseUrl}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
