// Recursive-descent parser for the SCIM filter grammar (RFC 7644 §3.4.2.2, figure 1) and the
// PATCH path grammar (§3.5.2). Precedence: `not` > `and` > `or`; `not` takes a parenthesised
// filter; keywords, operators and literals are case-insensitive (§3.4.2.2). Garbage never
// throws out of here: it comes back as `{ok: false, message}` (the caller's `invalidFilter`).
import type { AttrPath, CompareOp, CompValue, Filter, ParseResult, PatchPath } from './ast.ts';
import { COMPARE_OPS } from './ast.ts';
import type { Token } from './tokenize.ts';
import { TokenError, tokenize } from './tokenize.ts';

/** Deeper nesting is refused rather than recursed into (a stack overflow is not an answer). */
export const MAX_DEPTH = 32;
export const MAX_FILTER_LENGTH = 4096;

const NAME = /^[A-Za-z$][A-Za-z0-9_$-]*$/;
const OPS = new Set<string>(COMPARE_OPS);

class ParseError extends Error {}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.i] as Token;
  }
  next(): Token {
    const t = this.peek();
    if (t.kind !== 'end') this.i++;
    return t;
  }
  keyword(): string | undefined {
    const t = this.peek();
    return t.kind === 'word' ? t.text.toLowerCase() : undefined;
  }
  expect(kind: Token['kind'], what: string): Token {
    const t = this.next();
    if (t.kind !== kind) throw new ParseError(`expected ${what} at ${t.at}, found ${describe(t)}`);
    return t;
  }

  filter(depth: number, inValuePath: boolean): Filter {
    if (depth > MAX_DEPTH) throw new ParseError(`filter is nested deeper than ${MAX_DEPTH}`);
    let left = this.conjunction(depth, inValuePath);
    while (this.keyword() === 'or') {
      this.next();
      left = { type: 'or', left, right: this.conjunction(depth, inValuePath) };
    }
    return left;
  }

  conjunction(depth: number, inValuePath: boolean): Filter {
    let left = this.unary(depth, inValuePath);
    while (this.keyword() === 'and') {
      this.next();
      left = { type: 'and', left, right: this.unary(depth, inValuePath) };
    }
    return left;
  }

  unary(depth: number, inValuePath: boolean): Filter {
    const t = this.peek();
    if (t.kind === '(') return this.group(depth, inValuePath);
    if (t.kind === 'word' && t.text.toLowerCase() === 'not' && this.tokens[this.i + 1]?.kind === '(') {
      this.next();
      return { type: 'not', filter: this.group(depth, inValuePath) };
    }
    if (t.kind !== 'word') throw new ParseError(`expected an attribute at ${t.at}, found ${describe(t)}`);
    this.next();
    const path = attrPath(t.text, t.at);
    const after = this.peek();
    if (after.kind === '[') {
      if (inValuePath) throw new ParseError(`value filters cannot nest (at ${after.at})`);
      if (path.sub !== undefined) throw new ParseError(`a value filter applies to an attribute, not \`${path.attr}.${path.sub}\``);
      this.next();
      const inner = this.filter(depth + 1, true);
      this.expect(']', '`]`');
      return { type: 'valuePath', path, filter: inner };
    }
    const op = this.keyword();
    if (op === 'pr') {
      this.next();
      return { type: 'present', path };
    }
    if (op === undefined || !OPS.has(op)) throw new ParseError(`expected an operator after \`${t.text}\` at ${after.at}, found ${describe(after)}`);
    this.next();
    return { type: 'compare', path, op: op as CompareOp, value: this.value() };
  }

  group(depth: number, inValuePath: boolean): Filter {
    this.expect('(', '`(`');
    const inner = this.filter(depth + 1, inValuePath);
    this.expect(')', '`)`');
    return inner;
  }

  value(): CompValue {
    const t = this.next();
    if (t.kind === 'string' || t.kind === 'number') return t.value;
    if (t.kind === 'word') {
      const word = t.text.toLowerCase();
      if (word === 'true') return true;
      if (word === 'false') return false;
      if (word === 'null') return null;
    }
    throw new ParseError(`expected a value (string, number, true, false or null) at ${t.at}, found ${describe(t)}`);
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'end':
      return 'the end';
    case 'word':
      return `\`${t.text}\``;
    case 'string':
      return `string ${JSON.stringify(t.value)}`;
    case 'number':
      return `number \`${t.text}\``;
    default:
      return `\`${t.kind}\``;
  }
}

/** Splits `urn:...:User:name.givenName` at the last colon; names must be ATTRNAMEs. */
export function attrPath(text: string, at = 0): AttrPath {
  const colon = text.lastIndexOf(':');
  const uri = colon >= 0 ? text.slice(0, colon) : undefined;
  const rest = colon >= 0 ? text.slice(colon + 1) : text;
  const parts = rest.split('.');
  if (parts.length > 2 || !parts.every((p) => NAME.test(p)) || (uri !== undefined && !/^[A-Za-z][A-Za-z0-9:._-]*$/.test(uri))) {
    throw new ParseError(`\`${text}\` at ${at} is not an attribute path`);
  }
  const path: AttrPath = { attr: parts[0] as string };
  if (uri !== undefined) path.uri = uri;
  if (parts[1] !== undefined) path.sub = parts[1];
  return path;
}

function run<T>(input: string, what: string, body: (p: Parser) => T): ParseResult<T> {
  if (typeof input !== 'string' || input.trim() === '') return { ok: false, message: `${what} is empty` };
  if (input.length > MAX_FILTER_LENGTH) return { ok: false, message: `${what} is longer than ${MAX_FILTER_LENGTH} characters` };
  try {
    const parser = new Parser(tokenize(input));
    const value = body(parser);
    const rest = parser.peek();
    if (rest.kind !== 'end') return { ok: false, message: `unexpected ${describe(rest)} at ${rest.at}` };
    return { ok: true, value };
  } catch (error) {
    if (error instanceof ParseError || error instanceof TokenError) return { ok: false, message: error.message };
    throw error;
  }
}

export function parseFilter(input: string): ParseResult<Filter> {
  return run(input, 'filter', (p) => p.filter(0, false));
}

/** `attrPath`, or `attrPath "[" valFilter "]" ["." subAttr]` (RFC 7644 §3.5.2). */
export function parsePatchPath(input: string): ParseResult<PatchPath> {
  return run(input, 'path', (p) => {
    const t = p.expect('word', 'an attribute');
    const path = attrPath((t as { text: string }).text, t.at);
    if (p.peek().kind !== '[') return { path };
    if (path.sub !== undefined) throw new ParseError(`a value filter applies to an attribute, not \`${path.attr}.${path.sub}\``);
    p.next();
    const filter = p.filter(1, true);
    p.expect(']', '`]`');
    if (p.peek().kind !== '.') return { path, filter };
    p.next();
    const sub = p.expect('word', 'a sub-attribute') as { text: string; at: number };
    if (!NAME.test(sub.text)) throw new ParseError(`\`${sub.text}\` at ${sub.at} is not a sub-attribute name`);
    return { path, filter, sub: sub.text };
  });
}
