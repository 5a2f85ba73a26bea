// Per-app limits: at most `concurrency` deliveries in flight and at most `perSecond` started
// per second (a token bucket holding up to `burst` tokens). Waiters are served in order.

export interface LimitSettings {
  concurrency: number;
  rateLimit?: { perSecond: number; burst: number };
}

export interface Limiter {
  /** Free delivery slots right now. */
  free(): number;
  /** Takes a slot (the caller checked `free()`), then waits for a rate token. */
  take(): Promise<() => void>;
  readonly inFlight: number;
}

export function createLimiter(settings: LimitSettings, nowMs: () => number = Date.now): Limiter {
  let inFlight = 0;
  const rate = settings.rateLimit;
  let tokens = rate?.burst ?? 0;
  let refilledAt = nowMs();
  let chain: Promise<void> = Promise.resolve();

  function refill(): void {
    if (!rate) return;
    const now = nowMs();
    tokens = Math.min(rate.burst, tokens + ((now - refilledAt) / 1000) * rate.perSecond);
    refilledAt = now;
  }

  async function token(): Promise<void> {
    if (!rate) return;
    refill();
    while (tokens < 1) {
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(((1 - tokens) / rate.perSecond) * 1000)));
      refill();
    }
    tokens -= 1;
  }

  return {
    free: () => Math.max(0, settings.concurrency - inFlight),
    get inFlight() {
      return inFlight;
    },
    async take() {
      inFlight++;
      // One waiter at a time on the bucket keeps the order and the rate exact.
      const mine = chain.then(token);
      chain = mine.catch(() => undefined);
      await mine;
      let released = false;
      return () => {
        if (!released) inFlight--;
        released = true;
      };
    },
  };
}
