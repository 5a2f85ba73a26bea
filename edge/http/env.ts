// The Hono environment every route module shares: the runtime and who is calling.
import type { TokenInfo } from '../auth/tokens.ts';
import type { WriteContext } from '../db/index.ts';
import type { Runtime } from '../runtime.ts';

export interface AppEnv {
  Variables: {
    runtime: Runtime;
    /** Set by the auth middleware on every non-public route. */
    auth: TokenInfo;
  };
}

/** Who writes and when, for repositories and the audit log: `token:<id>` at the runtime's now. */
export function writeContext(runtime: Runtime, auth: TokenInfo | undefined): WriteContext {
  return { at: runtime.now(), actor: auth ? `token:${auth.id}` : 'anonymous' };
}
