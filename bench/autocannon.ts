// autocannon, typed once for the benchmarks that put HTTP load on a local server.
// `loadApart` runs it in a child process, so the load generator does not share the server's
// event loop (its own work would otherwise be counted in every latency it measures).
import { createRequire } from 'node:module';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface CannonRequest { method: string; path: string; headers: Record<string, string>; body?: string }
export interface CannonResult {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number; max: number; average: number };
  non2xx: number;
  errors: number;
  /** At a steady rate: the uncounted first seconds. */
  warmup?: { seconds: number; requests: number; p99: number };
}
type Autocannon = (options: { url: string; connections: number; duration: number; requests: (CannonRequest & { setupRequest?(req: CannonRequest): CannonRequest })[] }) => Promise<CannonResult>;

export const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface ApartLoad {
  url: string;
  connections: number;
  /** Seconds. */
  duration: number;
  /** Requests per second, sent on a fixed schedule over at most `connections` sockets (latency from when each was due); unset: as fast as answered (autocannon). */
  rate?: number;
  /** At a steady rate: seconds sent first and not counted (default none). */
  warmup?: number;
  /** Sent in turn, round and round, one per request. */
  requests: CannonRequest[];
}

export function loadApart(load: ApartLoad): Promise<CannonResult> {
  const child = fork(fileURLToPath(new URL('./autocannon-worker.mjs', import.meta.url)), { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.send(load);
  return new Promise((resolve, reject) => {
    child.once('message', (result: CannonResult) => resolve(result));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the autocannon process exited with code ${code} before answering`)));
  });
}
