import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { sleep } from './agent.ts';

describe('sleep', () => {
  it('leaves no listener on the agent-long signal after waits that ran out', async () => {
    const stopping = new AbortController();
    for (let i = 0; i < 20; i++) await sleep(1, stopping.signal);
    expect(getEventListeners(stopping.signal, 'abort')).toHaveLength(0);
  });

  it('ends at once when the signal aborts, and right away when it already has', async () => {
    const stopping = new AbortController();
    const started = Date.now();
    const waiting = sleep(60_000, stopping.signal);
    stopping.abort();
    await waiting;
    await sleep(60_000, stopping.signal);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(getEventListeners(stopping.signal, 'abort')).toHaveLength(0);
  });
});
