import { describe, expect, it } from 'vitest';
import { effectiveAttributes, emptyProfile, mergeProfile, recomputeEffective, sameValue, sourcesFor, storedProfile } from './attribute-sources.ts';
import type { AttributeSources, SourcedProfile } from './attribute-sources.ts';

// HR owns identity and job data, the directory fills gaps, the app only knows a nickname.
const sources: AttributeSources = {
  '*': ['hr', 'directory', 'app'],
  phone: ['directory', 'hr'],
  nickname: ['app'],
};

function importAll(steps: [string, Record<string, unknown>, ('full' | 'incremental')?][]): SourcedProfile {
  let profile = emptyProfile();
  for (const [source, incoming, mode] of steps) profile = mergeProfile(profile, source, incoming, sources, mode).profile;
  return profile;
}

describe('mergeProfile precedence', () => {
  it('lets HR win over the directory, whichever imports first', () => {
    const hrFirst = importAll([
      ['hr', { title: 'Engineer' }],
      ['directory', { title: 'Eng' }],
    ]);
    const dirFirst = importAll([
      ['directory', { title: 'Eng' }],
      ['hr', { title: 'Engineer' }],
    ]);
    expect(hrFirst.effective.title).toEqual({ value: 'Engineer', source: 'hr' });
    expect(dirFirst.effective.title).toEqual({ value: 'Engineer', source: 'hr' });
    expect(hrFirst.values.title).toEqual({ hr: 'Engineer', directory: 'Eng' });
  });

  it('never lets a lower source overwrite a higher one, and says so', () => {
    const current = importAll([['hr', { title: 'Engineer' }]]);
    const { profile, changes } = mergeProfile(current, 'app', { title: 'Ninja' }, sources);
    expect(profile.effective.title).toEqual({ value: 'Engineer', source: 'hr' });
    expect(changes).toEqual([
      {
        type: 'shadowed',
        attribute: 'title',
        value: 'Ninja',
        source: 'app',
        winner: { value: 'Engineer', source: 'hr' },
        summary: '`app` value for `title` kept; `hr` ranks higher',
      },
    ]);
  });

  it('uses per-attribute orders over the default', () => {
    const profile = importAll([
      ['hr', { phone: '+61 1', title: 'Engineer' }],
      ['directory', { phone: '+61 2', title: 'Eng' }],
    ]);
    expect(profile.effective.phone).toEqual({ value: '+61 2', source: 'directory' });
    expect(profile.effective.title).toEqual({ value: 'Engineer', source: 'hr' });
    expect(sourcesFor(sources, 'unlisted')).toEqual(['hr', 'directory', 'app']);
    expect(sourcesFor({}, 'unlisted')).toEqual([]);
  });

  it('reports a lower source taking over an attribute the higher one never had', () => {
    const current = importAll([['hr', { title: 'Engineer' }]]);
    const { changes } = mergeProfile(current, 'directory', { title: 'Eng', office: 'MEL-3' }, sources);
    expect(changes).toContainEqual({ type: 'set', attribute: 'office', value: 'MEL-3', source: 'directory', summary: '`office` set by `directory`' });
  });

  it('reports the previous winner when a higher source takes over', () => {
    const current = importAll([['directory', { title: 'Eng' }]]);
    const { changes } = mergeProfile(current, 'hr', { title: 'Engineer' }, sources);
    expect(changes).toEqual([
      {
        type: 'set',
        attribute: 'title',
        value: 'Engineer',
        source: 'hr',
        previous: { value: 'Eng', source: 'directory' },
        summary: '`title` set by `hr`',
      },
    ]);
  });
});

describe('mergeProfile fallback', () => {
  const start = (): SourcedProfile =>
    importAll([
      ['hr', { title: 'Engineer', department: 'R&D' }],
      ['directory', { title: 'Eng', department: 'Research' }],
      ['app', { title: 'Ninja' }],
    ]);

  it('falls back to the next source when the owner sends null', () => {
    const { profile, changes } = mergeProfile(start(), 'hr', { title: null, department: 'R&D' }, sources, 'incremental');
    expect(profile.effective.title).toEqual({ value: 'Eng', source: 'directory' });
    expect(profile.values.title).toEqual({ directory: 'Eng', app: 'Ninja' });
    expect(changes).toEqual([
      {
        type: 'set',
        attribute: 'title',
        value: 'Eng',
        source: 'directory',
        previous: { value: 'Engineer', source: 'hr' },
        summary: '`hr` dropped `title`: falls back to `directory`',
      },
    ]);
  });

  it('falls back when the owner leaves the attribute out of a full import', () => {
    const { profile } = mergeProfile(start(), 'hr', { department: 'R&D' }, sources, 'full');
    expect(profile.effective.title).toEqual({ value: 'Eng', source: 'directory' });
    expect(profile.effective.department).toEqual({ value: 'R&D', source: 'hr' });
  });

  it('falls back two levels and finally clears', () => {
    let profile = start();
    profile = mergeProfile(profile, 'hr', { department: 'R&D' }, sources).profile;
    profile = mergeProfile(profile, 'directory', { department: 'Research' }, sources).profile;
    expect(profile.effective.title).toEqual({ value: 'Ninja', source: 'app' });
    const last = mergeProfile(profile, 'app', {}, sources);
    expect(last.profile.effective.title).toBeUndefined();
    expect(last.profile.values.title).toBeUndefined();
    expect(last.changes).toEqual([
      { type: 'cleared', attribute: 'title', previous: { value: 'Ninja', source: 'app' }, summary: '`app` dropped `title` and no other source has it' },
    ]);
  });

  it('restores the owner when it sends the attribute again', () => {
    let profile = mergeProfile(start(), 'hr', { title: null }, sources, 'incremental').profile;
    profile = mergeProfile(profile, 'hr', { title: 'Staff Engineer' }, sources, 'incremental').profile;
    expect(profile.effective.title).toEqual({ value: 'Staff Engineer', source: 'hr' });
  });
});

describe('mergeProfile modes', () => {
  it('leaves absent attributes untouched in an incremental import', () => {
    const current = importAll([['hr', { title: 'Engineer', department: 'R&D' }]]);
    const { profile, changes } = mergeProfile(current, 'hr', { department: 'Sales' }, sources, 'incremental');
    expect(effectiveAttributes(profile)).toEqual({ title: 'Engineer', department: 'Sales' });
    expect(changes.map((c) => c.attribute)).toEqual(['department']);
  });

  it('drops absent attributes of that source only in a full import', () => {
    const current = importAll([
      ['hr', { title: 'Engineer', department: 'R&D' }],
      ['directory', { office: 'MEL-3' }],
    ]);
    const { profile } = mergeProfile(current, 'hr', { department: 'Sales' }, sources, 'full');
    expect(effectiveAttributes(profile)).toEqual({ department: 'Sales', office: 'MEL-3' });
  });

  it('reports nothing when an import repeats what is held', () => {
    const current = importAll([['hr', { title: 'Engineer', tags: { a: 1, b: [1, 2] } }]]);
    const again = mergeProfile(current, 'hr', { tags: { b: [1, 2], a: 1 }, title: 'Engineer' }, sources);
    expect(again.changes).toEqual([]);
    expect(again.profile).toEqual(current);
  });

  it('does not modify the profile it was given', () => {
    const current = importAll([['hr', { title: 'Engineer' }]]);
    const snapshot = structuredClone(current);
    mergeProfile(current, 'hr', { title: null, office: 'x' }, sources);
    expect(current).toEqual(snapshot);
  });
});

describe('mergeProfile ownership', () => {
  it('ignores and reports attributes the source may not set', () => {
    const current = importAll([['hr', { title: 'Engineer' }]]);
    const { profile, changes } = mergeProfile(current, 'hr', { title: 'Engineer', nickname: 'JJ' }, sources);
    expect(profile.values.nickname).toBeUndefined();
    expect(profile.effective.nickname).toBeUndefined();
    expect(changes).toEqual([{ type: 'ignored', attribute: 'nickname', value: 'JJ', source: 'hr', summary: '`hr` may not set `nickname`' }]);
  });

  it('ignores sources that are not listed at all', () => {
    const { profile, changes } = mergeProfile(emptyProfile(), 'crm', { title: 'Boss' }, sources);
    expect(profile).toEqual(emptyProfile());
    expect(changes.map((c) => c.type)).toEqual(['ignored']);
  });
});

describe('recomputeEffective and sameValue', () => {
  it('re-ranks held values after the source order changes', () => {
    const profile = importAll([
      ['hr', { title: 'Engineer' }],
      ['directory', { title: 'Eng' }],
    ]);
    const reordered = recomputeEffective(profile, { '*': ['directory', 'hr'] });
    expect(reordered.effective.title).toEqual({ value: 'Eng', source: 'directory' });
  });

  it('compares JSON values structurally', () => {
    expect(sameValue({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameValue([], {})).toBe(false);
    expect(sameValue('1', 1)).toBe(false);
  });
});

describe('storedProfile', () => {
  it('adopts what the profile holds and no ranked source does, so the next merge keeps it', () => {
    const held = importAll([['hr', { title: 'Engineer' }]]);
    // `team` was written beside the sources (an older admin edit); `title` is HR's.
    const stored = storedProfile(held.values, { title: 'Engineer', team: 'Platform' }, sources, 'directory');
    expect(stored.effective.team).toEqual({ value: 'Platform', source: 'directory' });
    expect(stored.effective.title).toEqual({ value: 'Engineer', source: 'hr' });
    const next = mergeProfile(stored, 'hr', { title: 'Staff Engineer' }, sources, 'incremental').profile;
    expect(effectiveAttributes(next)).toEqual({ title: 'Staff Engineer', team: 'Platform' });
    // Without the adoption the unrelated HR change loses it.
    const lost = mergeProfile(recomputeEffective({ values: held.values, effective: {} }, sources), 'hr', { title: 'Staff Engineer' }, sources, 'incremental').profile;
    expect(effectiveAttributes(lost)).toEqual({ title: 'Staff Engineer' });
  });

  it('leaves a profile value a ranked source holds to that source, and the stored values unchanged', () => {
    const held = importAll([['hr', { title: 'Engineer' }]]);
    const values = structuredClone(held.values);
    const stored = storedProfile(held.values, { title: 'Manager' }, sources, 'directory');
    expect(stored.effective.title).toEqual({ value: 'Engineer', source: 'hr' });
    expect(held.values).toEqual(values);
    expect(stored.values).toBe(held.values);
  });
});
