import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CliError } from './command.ts';
import { parseObserved } from './load-observed.ts';
import { parseUsersCsv, parseUsersJson } from './load-users.ts';

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return (error as Error).message;
  }
  throw new Error('expected a CliError');
}

describe('users from json', () => {
  it('reads an array of profiles as they are', () => {
    const users = parseUsersJson('[{"id":"u1","level":5,"address":{"country":"DE"}},{"id":"u2","status":"SUSPENDED"}]', 'u.json');
    expect(users).toEqual([{ id: 'u1', level: 5, address: { country: 'DE' } }, { id: 'u2', status: 'SUSPENDED' }]);
  });

  it('names the line of a user with a problem', () => {
    expect(errorOf(() => parseUsersJson('[\n {"id":"u1"},\n {"id":"u1"}\n]', 'u.json'))).toBe('u.json:3: duplicate user id `u1` (first at u.json:2)');
    expect(errorOf(() => parseUsersJson('[\n {"id":"u1"},\n\n {"id":7}\n]', 'u.json'))).toBe('u.json:4: user #2 has a non-string `id` (a number)');
    expect(errorOf(() => parseUsersJson('[{"id":"u1","status":"GONE"}]', 'u.json'))).toMatch(/^u\.json:1: user `u1` has unknown status `GONE`/);
    expect(errorOf(() => parseUsersJson('{"users":[]}', 'u.json'))).toBe('u.json:1: users file must be a json array of profiles, got an object');
    expect(errorOf(() => parseUsersJson('[\n {"id":"u1"\n]', 'u.json'))).toMatch(/^u\.json:3:1: malformed json: /);
  });
});

describe('users from csv', () => {
  it('names a column given twice instead of keeping the last', () => {
    expect(errorOf(() => parseUsersCsv('id,department,department\nu1,Sales,Engineering\n', 'u.csv'))).toBe('u.csv:1: column `department` appears twice (columns 2 and 3)');
  });

  it('refuses a `__proto__` column rather than giving every user its value through Object.prototype', () => {
    expect(errorOf(() => parseUsersCsv('id,__proto__.department\nu1,Engineering\n', 'u.csv'))).toBe('u.csv:1: column 2 `__proto__.department` uses the reserved name `__proto__`');
    expect(({} as Record<string, unknown>).department).toBeUndefined();
  });

  it('omits empty cells, nests dotted headers and types declared attributes', () => {
    const text = 'id,level,remote,skills,address.city,address.country,note\nu1,5,true,go; rust,Berlin,DE,\nu2,,,,,US,007\n';
    const users = parseUsersCsv(text, 'u.csv', { level: 'number', remote: 'boolean', skills: 'string[]' });
    expect(users).toEqual([
      { id: 'u1', level: 5, remote: true, skills: ['go', 'rust'], address: { city: 'Berlin', country: 'DE' } },
      { id: 'u2', address: { country: 'US' }, note: '007' },
    ]);
  });

  it('names the line of a problem', () => {
    expect(errorOf(() => parseUsersCsv('id,level\nu1,5\nu2,high\n', 'u.csv', { level: 'number' }))).toBe('u.csv:3: `level` is declared a number, got `high`');
    expect(errorOf(() => parseUsersCsv('id,name\nu1,a\n,b\n', 'u.csv'))).toBe('u.csv:3: user #2 has no `id`');
    expect(errorOf(() => parseUsersCsv('id,name\nu1,"a\n', 'u.csv'))).toMatch(/^u\.csv:\d+: malformed csv: /);
    expect(errorOf(() => parseUsersCsv('', 'u.csv'))).toBe('u.csv:1: users file is empty');
  });

  it('never fails with anything but a one-line CliError, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('i', 'd', ',', '"', '\n', '\r', 'u', '1', '.', ' ', ';') }), (text) => {
        try {
          for (const user of parseUsersCsv(text, 'f.csv', { d: 'number' })) expect(typeof user.id).toBe('string');
        } catch (error) {
          expect(error).toBeInstanceOf(CliError);
          expect((error as Error).message).not.toContain('\n');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never fails json with anything but a one-line CliError', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        try {
          parseUsersJson(text, 'f.json');
        } catch (error) {
          expect(error).toBeInstanceOf(CliError);
          expect((error as Error).message).not.toContain('\n');
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('observed state', () => {
  it('defaults missing lists to empty', () => {
    expect(parseObserved('{"accounts":[{"userId":"u1","appId":"github","status":"active"}]}', 'o.json')).toEqual({
      accounts: [{ userId: 'u1', appId: 'github', status: 'active' }],
      memberships: [],
    });
  });

  it('names the path and line of an invalid entry', () => {
    const text = '{\n  "accounts": [\n    {"userId":"u1","appId":"github","status":"active"},\n    {"userId":"u1","appId":"slack","status":"on"}\n  ]\n}';
    expect(errorOf(() => parseObserved(text, 'o.json'))).toMatch(/^o\.json:4: invalid observed state at `accounts\[1\]\.status`: /);
    expect(errorOf(() => parseObserved('{"accounts":[],"groups":[]}', 'o.json'))).toMatch(/^o\.json:1: invalid observed state: unrecognized key/);
  });
});
