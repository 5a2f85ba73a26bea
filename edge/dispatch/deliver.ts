// One action through its connector: the account link and (for `password.set`) the unsealed
// password go in; what comes out is decided into a settlement — done, retry at a time with
// backoff and jitter (never before the app's `Retry-After`), or dead after the last try.
import type { AccountLink, ApplyResult, Connector } from '../connectors/types.ts';
import type { DispatchSettings } from '../connectors/settings.ts';
import type { Db } from '../db/index.ts';
import type { AppAccount } from '../db/repos/accounts.ts';
import { getAccount } from '../db/repos/accounts.ts';
import type { OutboxRow } from '../db/repos/runs.ts';
import { unseal } from '../services/passwords.ts';
import { addMs, retryDelayMs } from './backoff.ts';
import type { Settlement } from './settle.ts';

export interface DeliverDeps {
  db: Db;
  sealKey: CryptoKey;
  now(): string;
  random?: () => number;
}

export interface Delivered {
  result: ApplyResult;
  link: AppAccount | undefined;
  settlement: Settlement;
}

export async function deliverOne(deps: DeliverDeps, connector: Connector, settings: DispatchSettings, row: OutboxRow): Promise<Delivered> {
  const action = row.payload;
  const link = action.userId !== undefined && action.appId !== undefined ? await getAccount(deps.db, action.userId, action.appId) : undefined;
  const accountLink: AccountLink | undefined = link ? { externalId: link.externalId, attributes: link.attributes } : undefined;
  let password: string | undefined;
  const sealed = action.attributes?.password;
  if (action.type === 'password.set' && sealed !== null && typeof sealed === 'object' && !Array.isArray(sealed) && typeof sealed.sealed === 'string') {
    password = await unseal(deps.sealKey, sealed.sealed, `${action.userId}:${action.appId}`);
  }
  let result: ApplyResult;
  try {
    result = await connector.apply({ action, attempt: row.attempts, ...(accountLink ? { link: accountLink } : {}), ...(password !== undefined ? { password } : {}) });
  } catch (error) {
    // A connector bug is not the app's fault, but trying again later is the safe choice.
    result = { ok: false, error: `connector error: ${error instanceof Error ? error.message : String(error)}`, retryable: true };
  }
  return { result, link, settlement: decide(result, row, settings, deps) };
}

export function decide(result: ApplyResult, row: Pick<OutboxRow, 'attempts'>, settings: DispatchSettings, deps: Pick<DeliverDeps, 'now' | 'random'>): Settlement {
  if (result.ok) return { kind: 'done', effect: result.effect, ...(result.account ? { account: result.account } : {}), ...(result.note ? { note: result.note } : {}) };
  if (!result.retryable) return { kind: 'dead', error: result.error };
  if (row.attempts >= settings.maxAttempts) return { kind: 'dead', error: `${result.error} (gave up after ${row.attempts} tries)` };
  const delay = retryDelayMs(row.attempts, settings.retry, result.retryAfterSeconds, deps.random);
  return { kind: 'retry', error: result.error, retryAt: addMs(deps.now(), delay) };
}
