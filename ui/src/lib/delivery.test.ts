import { describe, expect, it } from 'vitest';
import { describeFinding, outboxLines, sortFindings } from './delivery.ts';

describe("an app's delivery in words", () => {
  it('says what failed for good first, leaves out statuses with none, and keeps a status it has no words for', () => {
    expect(outboxLines({ done: 1200, pending: 12, dead: 3, failed: 0, parked: 2 }).map((l) => l.text)).toEqual([
      '3 failed for good (dead letters)',
      '12 waiting to be sent',
      '1,200 delivered',
      '2 parked',
    ]);
    expect(outboxLines({})).toEqual([]);
  });

  it('says what differs in a drift finding, and shows an unknown kind as it came', () => {
    expect(describeFinding({ kind: 'attribute', userId: 'e1', detail: { attribute: 'displayName', expected: 'Kwame Mensah', actual: 'Kwame M.' } })).toEqual({
      label: 'attribute differs',
      text: 'displayName is "Kwame M." in the app; the rules want "Kwame Mensah"',
    });
    expect(describeFinding({ kind: 'status', userId: 'e1', detail: { expected: 'active', actual: 'inactive' } }).text).toBe('inactive in the app; the rules want it active');
    expect(describeFinding({ kind: 'renamed' as never, detail: { from: 'a' } })).toEqual({ label: 'renamed', text: '{"from":"a"}' });
  });

  it('lists findings by kind, then by user in numeric order', () => {
    const sorted = sortFindings([
      { kind: 'attribute', userId: 'e10', detail: {} },
      { kind: 'missing-account', userId: 'e10', detail: {} },
      { kind: 'unexpected-account', detail: { externalId: 'u2' } },
      { kind: 'missing-account', userId: 'e9', detail: {} },
    ]);
    expect(sorted.map((f) => `${f.kind} ${f.userId ?? f.detail.externalId}`)).toEqual(['missing-account e9', 'missing-account e10', 'unexpected-account u2', 'attribute e10']);
  });
});
