// The load generator of `loadApart` (bench/autocannon.ts), in its own process: plain JavaScript,
// so it needs no TypeScript loader. Takes one load over IPC, answers with the figures, exits.
// As fast as answered: autocannon. At a steady rate: requests sent on a fixed schedule (one
// every 1000/rate ms) over at most `connections` keep-alive sockets, each latency counted from
// when the request was due, so waiting for a socket counts too (no coordinated omission).
// autocannon's own rate option sends each second's budget in a burst, which is not a steady rate.
import http from 'node:http';
import { createRequire } from 'node:module';

const load = await new Promise((resolve) => process.once('message', resolve));
const result = load.rate ? await steady(load) : await cannon(load);
process.send(result, () => process.exit(0));

async function cannon({ url, connections, duration, requests }) {
  const autocannon = createRequire(import.meta.url)('autocannon');
  let next = 0;
  const result = await autocannon({
    url,
    connections,
    duration,
    requests: [{ method: requests[0].method, path: requests[0].path, headers: requests[0].headers, setupRequest: (req) => ({ ...req, ...requests[next++ % requests.length] }) }],
  });
  return {
    requests: { total: result.requests.total, average: result.requests.average },
    latency: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, average: result.latency.average },
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

function steady({ url, connections, duration, rate, requests, warmup = 0 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const interval = 1000 / rate;
  const latencies = [];
  const warming = [];
  let non2xx = 0;
  let errors = 0;
  let sent = 0;
  let pending = 0;
  const start = performance.now();
  const counted = start + warmup * 1000;
  const total = Math.floor((warmup + duration) * rate);
  return new Promise((resolve) => {
    const finish = () => {
      if (sent < total || pending > 0) return;
      agent.destroy();
      latencies.sort((a, b) => a - b);
      warming.sort((a, b) => a - b);
      const at = (q, list = latencies) => Math.round(list[Math.min(list.length - 1, Math.floor(q * list.length))] ?? 0);
      resolve({
        requests: { total: latencies.length, average: latencies.length / ((performance.now() - counted) / 1000) },
        warmup: { seconds: warmup, requests: warming.length, p99: at(0.99, warming) },
        latency: { p50: at(0.5), p99: at(0.99), max: Math.round(latencies[latencies.length - 1] ?? 0), average: latencies.reduce((s, l) => s + l, 0) / (latencies.length || 1) },
        non2xx,
        errors,
      });
    };
    const send = (due) => {
      const { method, path, headers, body } = requests[sent % requests.length];
      sent++;
      pending++;
      const done = () => {
        pending--;
        finish();
      };
      const req = http.request(new URL(path, url), { method, headers, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          (due >= counted ? latencies : warming).push(performance.now() - due);
          if (res.statusCode < 200 || res.statusCode > 299) non2xx++;
          done();
        });
      });
      req.on('error', () => {
        errors++;
        done();
      });
      req.end(body);
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) send(start + sent * interval);
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    tick();
  });
}
