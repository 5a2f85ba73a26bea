// Retry timing: exponential backoff with jitter, so a crowd of failed actions does not come
// back at the same instant; an app's `Retry-After` is a floor the delay never goes under.

export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
}

/**
 * The delay before try `attempts + 1`: half the exponential step for sure and half at random
 * ("equal jitter"), so a retry is never immediate yet never synchronised.
 */
export function retryDelayMs(attempts: number, settings: BackoffSettings, retryAfterSeconds: number | undefined, random: () => number = Math.random): number {
  const step = Math.min(settings.maxMs, settings.baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 40)));
  const jittered = step / 2 + random() * (step / 2);
  return Math.round(Math.max(jittered, (retryAfterSeconds ?? 0) * 1000));
}

export function addMs(at: string, ms: number): string {
  return new Date(Date.parse(at) + ms).toISOString();
}
