// `roster schedule` and scheduled actions in `roster simulate`, on the demo organisation:
// a hire next week (Berlin) and two terminations on the same date (Melbourne, Los Angeles).
import { describe, expect, it } from 'vitest';
import { roster } from './run-cli.ts';

const AS_OF = '2026-03-02T09:00:00Z';
const inputs = ['--rules', 'rules', '--users', 'examples/users.json', '--observed', 'examples/observed.json', '--as-of', AS_OF];

interface Day {
  date: string;
  actions: { type: string; userId?: string; appId?: string; notBefore?: string }[];
}

describe('roster schedule', () => {
  it('lists scheduled actions by day as JSON: due now on the first day, each termination on its own day', () => {
    const run = roster(['schedule', ...inputs, '--format', 'json']);
    expect(run.code).toBe(0);
    const view = JSON.parse(run.stdout) as { from: string; days: number; timeZone: string; schedule: Day[] };
    expect(view).toMatchObject({ from: '2026-03-02T09:00:00.000Z', days: 30, timeZone: 'Europe/London' });
    const day = (date: string): Day | undefined => view.schedule.find((d) => d.date === date);
    expect(day('2026-03-02')?.actions).toContainEqual(expect.objectContaining({ type: 'account.create', userId: 'e1051', appId: 'github', notBefore: '2026-03-01T23:00:00.000Z' }));
    expect(day('2026-03-13')?.actions.map((a) => `${a.userId} ${a.appId}`).sort()).toEqual(['e1052 google-workspace', 'e1052 salesforce', 'e1052 slack']);
    expect(day('2026-03-14')?.actions.map((a) => `${a.userId} ${a.appId} ${a.notBefore}`).sort()).toEqual([
      'e1053 github 2026-03-14T07:00:00.000Z',
      'e1053 google-workspace 2026-03-14T07:00:00.000Z',
      'e1053 slack 2026-03-14T07:00:00.000Z',
    ]);
    expect(view.schedule.flatMap((d) => d.actions).every((a) => a.notBefore !== undefined)).toBe(true);
  });

  it('prints a table per day with the worker local time, and a shorter window leaves the terminations out', () => {
    const run = roster(['schedule', ...inputs, '--days', '11']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+ scheduled actions in the 11 days from 2026-03-02T09:00:00\.000Z \(days in Europe\/London\)$/m);
    expect(run.stdout).toMatch(/^2026-03-02 \(Mon\): \d+ actions$/m);
    expect(run.stdout).toMatch(/2026-03-01T23:00:00\.000Z\s+2026-03-02 00:00 Europe\/Berlin\s+account\.create\s+e1051\s+github/);
    expect(run.stdout).not.toContain('e1052');
    const month = roster(['schedule', ...inputs, '--time-zone', 'Australia/Melbourne']);
    // Grouped by Melbourne days, both terminations fall on 14 March (00:00 and 18:00 local).
    expect(month.stdout).toMatch(/^2026-03-14 \(Sat\): 6 actions$/m);
    expect(month.stdout).toMatch(/2026-03-13T13:00:00\.000Z\s+2026-03-14 00:00 Australia\/Melbourne\s+account\.deactivate\s+e1052\s+salesforce/);
  });

  it('refuses a bad window or zone with one line', () => {
    const days = roster(['schedule', ...inputs, '--days', '0']);
    expect(days.code).toBe(2);
    expect(days.stderr.trim()).toBe('roster: schedule: `--days` must be a whole number from 1 to 3660, got `0`');
    const zone = roster(['schedule', ...inputs, '--time-zone', 'Mars/Olympus']);
    expect(zone.code).toBe(2);
    expect(zone.stderr.trim()).toBe('roster: schedule: unknown time zone `Mars/Olympus` (expected an IANA name such as `Europe/Berlin`)');
  });
});

describe('roster simulate --as-of with scheduled actions', () => {
  it('carries notBefore in JSON, and says whether the plan is held', () => {
    const run = roster(['simulate', ...inputs, '--format', 'json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { held: boolean; actions: Day['actions'] };
    expect(out.held).toBe(false);
    expect(out.actions).toContainEqual(expect.objectContaining({ type: 'account.suspend', userId: 'e1053', appId: 'github', notBefore: '2026-03-14T07:00:00.000Z' }));
    expect(out.actions).toContainEqual(expect.objectContaining({ type: 'account.deactivate', userId: 'e1052', appId: 'slack', notBefore: '2026-03-13T13:00:00.000Z' }));
  });

  it('after both local midnights, the terminations are due (notBefore in the past) and the staging is done', () => {
    const run = roster(['simulate', ...inputs.slice(0, -1), '2026-03-20T00:00:00Z', '--format', 'json']);
    const out = JSON.parse(run.stdout) as { actions: Day['actions'] };
    const e1053 = out.actions.filter((a) => a.userId === 'e1053' && a.appId === 'github');
    expect(e1053).toEqual([expect.objectContaining({ type: 'account.suspend', notBefore: '2026-03-14T07:00:00.000Z' })]);
    expect(out.actions.filter((a) => a.userId === 'e1051' && a.type === 'account.create').every((a) => a.notBefore === undefined)).toBe(true);
  });
});
