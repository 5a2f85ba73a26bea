import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyToken } from '../../auth/tokens.ts';
import { TOKEN_SCOPES } from '../../auth/scopes.ts';
import { openLibsql } from '../../db/libsql.ts';
import type { CliIo } from '../command.ts';
import { readConfig } from '../../entry/node-bootstrap.ts';
import { main } from '../main.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-token-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(...t.split('\n')), err: (t) => err.push(t), now: () => new Date('2025-03-01T10:00:00Z'), cwd: dir };
  const code = await main(argv, io);
  return { code, out, err };
}

describe('roster token', () => {
  it('creates a token of every scope, printed on the last line, that the API would accept', async () => {
    for (const scope of TOKEN_SCOPES) {
      const created = await run(['token', 'create', '--scope', scope, '--name', `my ${scope}`, '--db', 'file:state/roster.db']);
      expect(created.code, created.err.join('\n')).toBe(0);
      const token = created.out.at(-1) ?? '';
      expect(token).toMatch(new RegExp(`^rst_${scope}_`));
      const db = await openLibsql({ url: `file:${join(dir, 'state/roster.db')}` });
      try {
        expect(await verifyToken(db, token)).toMatchObject({ ok: true, value: { scope, name: `my ${scope}` } });
      } finally {
        db.$client.close();
      }
    }
  });

  it('lists without secrets and revokes by id', async () => {
    const created = await run(['token', 'create', '--scope', 'read', '--db', 'file:r.db']);
    const token = created.out.at(-1) ?? '';
    const id = /(tok_[\w-]+)/.exec(created.out[0] ?? '')?.[1] ?? '';
    expect(id).not.toBe('');
    const listed = await run(['token', 'list', '--db', 'file:r.db']);
    expect(listed.out.join('\n')).toContain(id);
    expect(listed.out.join('\n')).not.toContain(token.slice(9));
    expect(await run(['token', 'revoke', id, '--db', 'file:r.db'])).toMatchObject({ code: 0 });
    expect((await run(['token', 'list', '--db', 'file:r.db'])).out.join('\n')).toContain('2025-03-01T10:00:00.000Z');
    const again = await run(['token', 'revoke', id, '--db', 'file:r.db']);
    expect(again.code).toBe(2);
    expect(again.err[0]).toMatch(/^roster: token revoke: token `tok_.*` was revoked/);
  });

  it('refuses to revoke the last active admin token, as the API does', async () => {
    const idOf = (out: string[]) => /(tok_[\w-]+)/.exec(out[0] ?? '')?.[1] ?? '';
    const first = idOf((await run(['token', 'create', '--scope', 'admin', '--db', 'file:a.db'])).out);
    const refused = await run(['token', 'revoke', first, '--db', 'file:a.db']);
    expect(refused.code).toBe(2);
    expect(refused.err[0]).toBe(`roster: token revoke: \`${first}\` is the last active admin token: create another admin token first, then revoke this one`);
    await run(['token', 'create', '--scope', 'admin', '--db', 'file:a.db']);
    expect(await run(['token', 'revoke', first, '--db', 'file:a.db'])).toMatchObject({ code: 0 });
  });

  it('explains bad usage in one line', async () => {
    expect((await run(['token', 'create', '--db', 'file:x.db'])).err).toEqual(['roster: token create: missing required option `--scope`']);
    expect((await run(['token', 'create', '--scope', 'root', '--db', 'file:x.db'])).err[0]).toContain('unknown scope `root`');
    expect((await run(['token', 'create', '--scope', 'admin', '--source', 'okta', '--db', 'file:x.db'])).err[0]).toContain('binds scim tokens only');
    expect((await run(['token', 'frobnicate'])).err[0]).toContain('unknown action `frobnicate`');
    expect((await run(['token', 'revoke', '--db', 'file:x.db'])).err[0]).toContain('missing token id');
  });

  it('holds --name and --source to the limits of the API instead of binding a token to an empty source', async () => {
    expect((await run(['token', 'create', '--scope', 'scim', '--source', '', '--db', 'file:x.db'])).err).toEqual(['roster: token create: `--source` must be 1 to 200 characters']);
    expect((await run(['token', 'create', '--scope', 'read', '--name', '   ', '--db', 'file:x.db'])).err).toEqual(['roster: token create: `--name` must be 1 to 200 characters (leave it out for `read token`)']);
    expect((await run(['token', 'create', '--scope', 'read', '--name', 'x'.repeat(201), '--db', 'file:x.db'])).code).toBe(2);
    expect(existsSync(join(dir, 'x.db'))).toBe(false);
    const made = await run(['token', 'create', '--scope', 'read', '--name', '  grafana  ', '--db', 'file:x.db']);
    expect(made.out[0]).toMatch(/^created read token tok_\S+ \(grafana\); it is shown only once:$/);
  });

  it('works as a user runs it: LIBSQL_URL selects the database, the token is the last stdout line', () => {
    const bin = join(process.cwd(), 'bin/roster.mjs');
    const env = { ...process.env, LIBSQL_URL: `file:${join(dir, 'env.db')}` };
    const result = spawnSync(process.execPath, [bin, 'token', 'create', '--scope', 'admin'], { cwd: dir, env, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/^rst_admin_[A-Za-z0-9_-]{43}$/);
    const list = spawnSync(process.execPath, [bin, 'token', 'list'], { cwd: dir, env, encoding: 'utf8' });
    expect(list.stdout).toMatch(/admin token\s+admin/);
  });

  it('works on the database npm start uses: ROSTER_DATA_DIR moves it, as it moves the server\'s', async () => {
    const bin = join(process.cwd(), 'bin/roster.mjs');
    const env = { ...process.env, LIBSQL_URL: '', ROSTER_DATA_DIR: 'elsewhere' };
    const result = spawnSync(process.execPath, [bin, 'token', 'create', '--scope', 'read'], { cwd: dir, env, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(readConfig(env, dir).dbUrl).toBe(`file:${join(dir, 'elsewhere', 'roster.db')}`);
    const db = await openLibsql({ url: readConfig(env, dir).dbUrl });
    try {
      expect((await verifyToken(db, result.stdout.trimEnd().split('\n').at(-1) ?? '')).ok).toBe(true);
    } finally {
      db.$client.close();
    }
  });
});
