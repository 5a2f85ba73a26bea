// autocannon, typed once for the benchmarks that put HTTP load on a local server.
import { createRequire } from 'node:module';

export interface CannonRequest { method: string; path: string; headers: Record<string, string>; body?: string }
export interface CannonResult {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number; max: number; average: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (options: { url: string; connections: number; duration: number; requests: (CannonRequest & { setupRequest?(req: CannonRequest): CannonRequest })[] }) => Promise<CannonResult>;

export const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
