// The load generator of `loadApart` (bench/autocannon.ts), in its own process: plain JavaScript,
// so it needs no TypeScript loader. Takes one load over IPC, answers with the figures, exits.
import { createRequire } from 'node:module';

const autocannon = createRequire(import.meta.url)('autocannon');
const { url, connections, duration, rate, requests } = await new Promise((resolve) => process.once('message', resolve));
let next = 0;
const result = await autocannon({
  url,
  connections,
  duration,
  ...(rate ? { overallRate: rate } : {}),
  requests: [{ method: requests[0].method, path: requests[0].path, headers: requests[0].headers, setupRequest: (req) => ({ ...req, ...requests[next++ % requests.length] }) }],
});
process.send({
  requests: { total: result.requests.total, average: result.requests.average },
  latency: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, average: result.latency.average },
  non2xx: result.non2xx,
  errors: result.errors,
}, () => process.exit(0));
