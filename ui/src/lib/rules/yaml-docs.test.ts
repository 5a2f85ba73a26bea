import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readValue, setWhen, showValue, summarise } from './yaml-docs.ts';

const engineering = readFileSync(new URL('../../../../rules/assignments/engineering.yaml', import.meta.url), 'utf8');

describe('yaml-docs: the builder ⇄ YAML bridge', () => {
  it('finds each document with its id, lines and condition', () => {
    const docs = summarise(engineering);
    expect(docs.map((d) => d.id)).toEqual(['eng-github', 'eng-managers-github-maintainer', 'product-jira', 'managers-jira-project-admin']);
    expect(docs[0]).toMatchObject({ kind: 'assignment', firstLine: 1, broken: false });
    expect(docs[0]?.when).toEqual({ all: [{ fact: 'department', operator: 'equal', value: 'Engineering' }, { fact: 'employeeType', operator: 'in', value: ['FTE', 'Contractor', 'Intern'] }] });
  });

  it('rewrites one document’s `when`, leaves in flow style, and keeps the other documents’ text', () => {
    const next = setWhen(engineering, 1, { any: [{ fact: 'title', operator: 'startsWith', value: 'Staff' }] });
    expect(next).toContain('  any:\n    - {fact: title, operator: startsWith, value: Staff}');
    const [before, after] = [engineering.split('---'), next.split('---')];
    expect(after[0]).toBe(before[0]);
    expect(after[2]).toBe(before[2]);
    expect(summarise(next)[1]?.when).toEqual({ any: [{ fact: 'title', operator: 'startsWith', value: 'Staff' }] });
  });

  it('leaves broken YAML alone rather than guessing', () => {
    const broken = 'kind: assignment\nwhen: [unclosed\n';
    expect(summarise(broken)[0]?.broken).toBe(true);
    expect(setWhen(broken, 0, { all: [] })).toBe(broken);
  });

  it('reads values as people type them and shows them back the same way', () => {
    for (const value of [['FTE', 'Contractor'], [1, 'a b'], ['5', 'true'], 'Engineering', '42', 5, true, 'a, b']) {
      expect(readValue(showValue(value))).toEqual(value);
    }
    expect(showValue(['FTE', 'Contractor'])).toBe('[FTE, Contractor]');
    expect(readValue('[FTE, Contractor]')).toEqual(['FTE', 'Contractor']);
  });
});
