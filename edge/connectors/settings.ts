// Delivery settings any app's `config` may carry, beside its connector's own keys: how fast and
// how wide the dispatcher may go, how often it retries, and when it quarantines the app.
import { z } from 'zod';
import { isLoopbackHost } from '../../engine/rules/jit-settings.ts';

/**
 * An app's address (a SCIM base, a REST base, an OAuth token endpoint, a console link): https,
 * or plain http to this machine (tests, an app beside Roster), since tokens and passwords go
 * with its requests; and no `user:password@` in it, which fetch refuses to send and which would
 * be shown wherever the address is: credentials go in `auth`, where they are sealed.
 */
export const appUrl = z.url({ protocol: /^https?$/ }).superRefine((value, ctx) => {
  // Refinements run after a failed format check too: that one has said what is wrong.
  if (!URL.canParse(value)) return;
  const url = new URL(value);
  if (url.username !== '' || url.password !== '') ctx.addIssue({ code: 'custom', message: 'holds credentials (`user:password@`): put them in `auth`, where they are sealed, not in the address' });
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) ctx.addIssue({ code: 'custom', message: `is not https: what goes with its requests (tokens, passwords) could be read in transit (plain http only to this machine)` });
});

export const dispatchShape = {
  concurrency: z.number().int().min(1).max(256).optional().describe('requests in flight to this app at once (default 4)'),
  rateLimit: z
    .strictObject({
      perSecond: z.number().positive().describe('requests per second, sustained'),
      burst: z.number().int().positive().optional().describe('requests allowed at once after a quiet spell (default: perSecond, at least 1)'),
    })
    .optional(),
  maxAttempts: z.number().int().min(1).max(100).optional().describe('tries before an action is dead-lettered (default 8)'),
  retry: z
    .strictObject({
      baseMs: z.number().int().min(1).optional().describe('first retry delay before jitter (default 30000)'),
      maxMs: z.number().int().min(1).optional().describe('longest retry delay (default 6 h)'),
    })
    .optional(),
  timeoutMs: z.number().int().min(1).max(600_000).optional().describe('one request\'s deadline (default 10000)'),
  quarantine: z
    .strictObject({
      failureRate: z.number().gt(0).max(1).optional().describe('share of failed requests that quarantines the app (default 0.5)'),
      minRequests: z.number().int().min(1).optional().describe('requests seen before the share counts (default 20)'),
      baseMs: z.number().int().min(1).optional().describe('first quarantine length, doubled each time it fails again (default 60000)'),
      maxMs: z.number().int().min(1).optional().describe('longest quarantine (default 1 h)'),
    })
    .optional(),
};

export const dispatchSettingsSchema = z.object(dispatchShape);
export type DispatchSettingsInput = z.infer<typeof dispatchSettingsSchema>;

export interface DispatchSettings {
  concurrency: number;
  rateLimit?: { perSecond: number; burst: number };
  maxAttempts: number;
  retry: { baseMs: number; maxMs: number };
  timeoutMs: number;
  quarantine: { failureRate: number; minRequests: number; baseMs: number; maxMs: number };
}

/** The settings with defaults filled in; keys that are not dispatch settings are ignored here. */
export function dispatchSettings(config: Record<string, unknown>): DispatchSettings {
  const parsed = dispatchSettingsSchema.safeParse(config);
  const s: DispatchSettingsInput = parsed.success ? parsed.data : {};
  return {
    concurrency: s.concurrency ?? 4,
    ...(s.rateLimit ? { rateLimit: { perSecond: s.rateLimit.perSecond, burst: s.rateLimit.burst ?? Math.max(1, Math.floor(s.rateLimit.perSecond)) } } : {}),
    maxAttempts: s.maxAttempts ?? 8,
    retry: { baseMs: s.retry?.baseMs ?? 30_000, maxMs: s.retry?.maxMs ?? 6 * 3600_000 },
    timeoutMs: s.timeoutMs ?? 10_000,
    quarantine: {
      failureRate: s.quarantine?.failureRate ?? 0.5,
      minRequests: s.quarantine?.minRequests ?? 20,
      baseMs: s.quarantine?.baseMs ?? 60_000,
      maxMs: s.quarantine?.maxMs ?? 3600_000,
    },
  };
}
