import { describe, expect, it } from 'vitest';
import { readPopulation } from './population-source.ts';

describe('the simulator reads its population inside the worker', () => {
  it('parses pasted CSV with the declared attribute types', async () => {
    const users = await readPopulation({ kind: 'text', text: 'id,level\ne1,3\n', types: { level: 'number' } });
    expect(users).toEqual([{ id: 'e1', level: 3 }]);
  });

  it('reads a chosen file (a Blob) as JSON, and says what is wrong with a bad one', async () => {
    const file = new Blob([JSON.stringify({ users: [{ id: 'a', department: 'Sales' }] })], { type: 'application/json' });
    expect(await readPopulation({ kind: 'file', file })).toEqual([{ id: 'a', department: 'Sales' }]);
    await expect(readPopulation({ kind: 'file', file: new Blob(['[{"id":"a"},{"id":"a"}]']) })).rejects.toThrow('user #2: user id `a` appears twice');
  });

  it('turns identities from the API into the profiles the engine reads', async () => {
    const rows = [{ id: 'u1', login: 'ada', email: 'ada@example.com', status: 'ACTIVE', profile: { department: 'Engineering' } }];
    expect(await readPopulation({ kind: 'api' }, async () => rows)).toEqual([{ id: 'u1', login: 'ada', email: 'ada@example.com', status: 'ACTIVE', department: 'Engineering' }]);
  });
});
