// Connector health per app: the share of failed requests over the last ones seen. Only
// failures that say the app is unwell count (timeouts, 5xx, 429); a 404 for one account does
// not. Too many failures quarantine the app for a time that doubles each time it happens again;
// after it, one probe delivery decides: success releases the app, failure quarantines again.

export interface QuarantineSettings {
  failureRate: number;
  minRequests: number;
  baseMs: number;
  maxMs: number;
}

export interface Health {
  record(ok: boolean): void;
  /** True when the window's failure share crosses the threshold. */
  tripped(): boolean;
  /** The next quarantine's length (grows with each consecutive one). */
  nextQuarantineMs(): number;
  /** Called when the app was quarantined: the window starts over. */
  quarantined(): void;
  /** Called when a probe succeeded: the backoff starts over. */
  recovered(): void;
  readonly level: number;
  readonly window: { requests: number; failures: number };
}

export function createHealth(settings: QuarantineSettings, size = Math.max(settings.minRequests * 2, 20)): Health {
  let outcomes: boolean[] = [];
  let level = 0;
  return {
    record(ok) {
      outcomes.push(ok);
      if (outcomes.length > size) outcomes = outcomes.slice(-size);
    },
    tripped() {
      if (outcomes.length < settings.minRequests) return false;
      const failures = outcomes.filter((o) => !o).length;
      return failures / outcomes.length > settings.failureRate;
    },
    nextQuarantineMs: () => Math.min(settings.maxMs, settings.baseMs * 2 ** Math.min(level, 30)),
    quarantined() {
      level++;
      outcomes = [];
    },
    recovered() {
      level = 0;
      outcomes = [];
    },
    get level() {
      return level;
    },
    get window() {
      return { requests: outcomes.length, failures: outcomes.filter((o) => !o).length };
    },
  };
}
