import { describe, expect, it } from 'vitest';
import type { Action } from '../types.ts';
import { scheduleActions } from './schedule.ts';

const action = (id: string, notBefore?: string): Action => ({
  id,
  type: 'account.deactivate',
  userId: id,
  appId: 'slack',
  ...(notBefore === undefined ? {} : { notBefore }),
  reason: { summary: 'x', rules: [], version: 'v', matched: [] },
});

describe('scheduleActions', () => {
  const actions = [
    action('later', '2026-03-20T07:00:00.000Z'),
    action('now'),
    action('due', '2026-02-28T13:00:00.000Z'),
    action('first', '2026-03-02T07:00:00.000Z'),
    action('same-day', '2026-03-02T06:00:00.000Z'),
    action('beyond', '2026-04-05T00:00:00.000Z'),
  ];

  it('groups actions by the day their notBefore falls on, due ones on the first day, without the undated or the far', () => {
    const days = scheduleActions(actions, { from: '2026-03-01T12:00:00Z', days: 30 });
    expect(days.map((d) => [d.date, d.actions.map((a) => a.id)])).toEqual([
      ['2026-03-01', ['due']],
      ['2026-03-02', ['same-day', 'first']],
      ['2026-03-20', ['later']],
    ]);
  });

  it('uses the given time zone\'s days: 07:00 UTC on 2 March is still 1 March in Los Angeles', () => {
    const days = scheduleActions(actions, { from: '2026-03-01T12:00:00Z', days: 2, timeZone: 'America/Los_Angeles' });
    expect(days.map((d) => [d.date, d.actions.map((a) => a.id)])).toEqual([['2026-03-01', ['due', 'same-day', 'first']]]);
  });

  it('stops at the end of the last local day of the window', () => {
    expect(scheduleActions(actions, { from: '2026-03-01T12:00:00Z', days: 1 }).map((d) => d.date)).toEqual(['2026-03-01']);
    expect(scheduleActions(actions, { from: '2026-03-01T12:00:00Z', days: 2 }).map((d) => d.date)).toEqual(['2026-03-01', '2026-03-02']);
  });

  it('is empty for a bad window rather than throwing', () => {
    expect(scheduleActions(actions, { from: 'yesterday', days: 30 })).toEqual([]);
    expect(scheduleActions(actions, { from: '2026-03-01T00:00:00Z', days: 0 })).toEqual([]);
    expect(scheduleActions(actions, { from: '2026-03-01T00:00:00Z', days: 3, timeZone: 'Mars/Olympus' })).toEqual([]);
  });
});
