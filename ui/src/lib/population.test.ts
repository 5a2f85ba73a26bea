import { describe, expect, it } from 'vitest';
import { parsePopulation } from './population.ts';

describe('a pasted or uploaded population', () => {
  it('reads CSV with nested columns and declared types', () => {
    const users = parsePopulation('id,level,address.city,tags\ne1,5,London,a;b\n', { level: 'number', tags: 'string[]' });
    expect(users).toEqual([{ id: 'e1', level: 5, address: { city: 'London' }, tags: ['a', 'b'] }]);
  });

  it('reads a JSON list', () => {
    expect(parsePopulation('[{"id":"a"},{"id":"b","status":"SUSPENDED"}]').map((u) => u.id)).toEqual(['a', 'b']);
  });

  it('names the problem and where it is', () => {
    expect(() => parsePopulation('')).toThrow('the population is empty');
    expect(() => parsePopulation('id,level\ne1,high\n', { level: 'number' })).toThrow('line 2: `level` should be a number, got `high`');
    expect(() => parsePopulation('[{"id":"a"},{"id":"a"}]')).toThrow('user #2: user id `a` appears twice');
    expect(() => parsePopulation('[{"id":"a","status":"GONE"}]')).toThrow('unknown status `GONE`');
    expect(() => parsePopulation('[{"name":"x"}]')).toThrow('user #1 has no `id`');
  });
});
