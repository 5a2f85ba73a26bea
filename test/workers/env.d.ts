// Types for the suites that run in workerd: `cloudflare:test` from the pool, and the env it
// provides, which is the Worker's own env (edge/entry/workers-runtime.ts).
/// <reference types="@cloudflare/vitest-pool-workers/types" />

type RosterWorkersEnv = import('../../edge/entry/workers-runtime.ts').WorkersEnv;

declare namespace Cloudflare {
  interface Env extends RosterWorkersEnv {}
}
