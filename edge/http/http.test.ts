import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { allowedScopes, isPublicPath } from './auth.ts';
import { toCsv } from './csv.ts';
import { checkIfMatch, ifMatchTags, versionTag } from './etag.ts';
import { onError } from './errors.ts';

describe('scopes', () => {
  it('admits read tokens to GETs under /v1 only, scim and agent to their own prefixes, jit to logins only', () => {
    expect(allowedScopes('GET', '/v1/users')).toEqual(['admin', 'read']);
    expect(allowedScopes('POST', '/v1/users')).toEqual(['admin']);
    expect(allowedScopes('GET', '/scim/v2/Users')).toEqual(['admin', 'scim']);
    expect(allowedScopes('POST', '/v1/agent/actions')).toEqual(['admin', 'agent']);
    expect(allowedScopes('GET', '/v1/agentx')).toEqual(['admin', 'read']);
    expect(allowedScopes('POST', '/v1/jit')).toEqual(['admin', 'jit']);
    expect(allowedScopes('GET', '/v1/jit/bindings/u1')).toEqual(['admin', 'read']);
    expect(allowedScopes('DELETE', '/v1/jit/bindings/u1')).toEqual(['admin']);
    expect(isPublicPath('/health')).toBe(true);
    expect(isPublicPath('/healthz')).toBe(false);
  });
});

describe('csv', () => {
  it('quotes separators and quotes, and defuses spreadsheet formulas', () => {
    expect(toCsv(['a', 'b', 'c'], [{ a: 'x,y', b: 'say "hi"', c: null }, { a: '=SUM(A1)', b: 3, c: true }])).toBe('a,b,c\r\n"x,y","say ""hi""",\r\n\'=SUM(A1),3,true\r\n');
  });
});

describe('If-Match', () => {
  it('accepts absent, *, weak or strong matching tags and refuses others with 412', () => {
    expect(ifMatchTags(' W/"v2", "v3" ')).toEqual(['"v2"', '"v3"']);
    expect(() => checkIfMatch(undefined, versionTag(2))).not.toThrow();
    expect(() => checkIfMatch('*', versionTag(2))).not.toThrow();
    expect(() => checkIfMatch('W/"v2"', versionTag(2))).not.toThrow();
    expect(() => checkIfMatch('"v1"', versionTag(2))).toThrow(expect.objectContaining({ status: 412, code: 'precondition_failed' }));
  });
});

describe('onError', () => {
  it('hides unexpected errors behind a 500 with our shape and logs no request data', async () => {
    const lines: unknown[] = [];
    const app = new Hono();
    app.onError(onError({ log: (e) => lines.push(e) }));
    app.post('/boom', async (c) => {
      await c.req.json();
      throw new Error('db exploded');
    });
    const res = await app.request('/boom', { method: 'POST', body: '{"password":"hunter2"}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: 'internal', message: 'internal error: the request was not applied' } });
    expect(JSON.stringify(lines)).toContain('db exploded');
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });
});
