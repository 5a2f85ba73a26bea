// `npm start`: Roster on Node. Builds the Runtime (edge/entry/node-bootstrap.ts), serves the
// one Hono app with @hono/node-server, and stops cleanly on SIGINT/SIGTERM: no new
// connections, in-flight requests finish, then the database closes. Queued work lives in the
// outbox table, so nothing is lost between starts.
import { serve } from '@hono/node-server';
import { createApp } from '../app.ts';
import { startBackground } from '../dispatch/background.ts';
import { envIssuers } from '../routes/jit.ts';
import { bootstrap, portFree, readConfig } from './node-bootstrap.ts';
import type { NodeConfig, Started } from './node-bootstrap.ts';
import { DOCS_ASSETS, serveDocsAssets, serveUi } from './ui-static.ts';

const log = (event: { level: string; msg: string }) => (event.level === 'error' || event.level === 'warn' ? console.error : console.log)(JSON.stringify(event));
// A setting that cannot work is one line naming it, before any work is done.
let config: NodeConfig;
let started: Started;
try {
  config = readConfig(process.env);
  envIssuers(process.env);
  await portFree(config.host, config.port);
  started = await bootstrap(config, log);
} catch (error) {
  console.error(`roster could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const app = createApp(started.runtime, undefined, { docsAssets: DOCS_ASSETS });
serveUi(app);
serveDocsAssets(app);
// The dispatcher delivers the outbox to the apps. Opt-in: the demo apps name no real endpoints.
const background = process.env.ROSTER_DISPATCH === '1' ? startBackground(started.runtime) : undefined;

const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
  const host = info.address.includes(':') ? `[${info.address}]` : info.address;
  for (const note of started.notes) console.log(note);
  console.log(`Roster is listening on http://${host}:${info.port}`);
  // Printed once, here only: the database keeps its sha256.
  console.log(`admin token (shown once): ${started.adminToken}`);
});

let stopping = false;
function stop(signal: string): void {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping (finishing requests in flight)`);
  const force = setTimeout(() => ('closeAllConnections' in server ? server.closeAllConnections() : undefined), 10_000);
  force.unref();
  server.close(() => void finish());
  if ('closeIdleConnections' in server) server.closeIdleConnections();
}

/** In-flight deliveries settle before the database closes; the rest stays in the outbox. */
async function finish(): Promise<void> {
  try {
    await background?.stop();
    console.log('stopped');
  } catch (error) {
    // Whatever was not delivered is still in the outbox: the next start resumes it.
    log({ level: 'error', msg: `stopping the dispatcher failed: ${error instanceof Error ? error.message : String(error)}` });
    process.exitCode = 1;
  } finally {
    started.db.$client.close();
  }
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
