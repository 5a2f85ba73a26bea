// The filter tokenizer: a character scanner (no regular expression decides the grammar).
// Words are attribute paths or keywords (the parser decides which by position); strings are
// JSON strings; numbers are JSON numbers.

export type Token =
  | { kind: 'word'; text: string; at: number }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'number'; value: number; text: string; at: number }
  | { kind: '(' | ')' | '[' | ']' | '.'; at: number }
  | { kind: 'end'; at: number };

export class TokenError extends Error {}

const PUNCT = new Set(['(', ')', '[', ']', '.']);
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/;

const isAlpha = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
/** Characters of an attribute path: name chars, `$` (`$ref`), URN colons and dots. */
const isWordChar = (c: string): boolean => isAlpha(c) || isDigit(c) || c === '_' || c === '-' || c === ':' || c === '.' || c === '$';

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (isSpace(c)) {
      i++;
    } else if (PUNCT.has(c)) {
      tokens.push({ kind: c as '(' | ')' | '[' | ']' | '.', at: i });
      i++;
    } else if (c === '"') {
      i = readString(input, i, tokens);
    } else if (c === '-' || isDigit(c)) {
      let j = i + 1;
      while (j < input.length && (isDigit(input[j] as string) || '.eE+-'.includes(input[j] as string))) j++;
      const text = input.slice(i, j);
      if (!NUMBER.test(text)) throw new TokenError(`\`${text}\` at ${i} is not a number`);
      tokens.push({ kind: 'number', value: Number(text), text, at: i });
      i = j;
    } else if (isAlpha(c) || c === '$') {
      let j = i + 1;
      while (j < input.length && isWordChar(input[j] as string)) j++;
      // A trailing dot belongs to the next token (`emails[...]` never ends a word with one).
      while (j > i + 1 && input[j - 1] === '.') j--;
      tokens.push({ kind: 'word', text: input.slice(i, j), at: i });
      i = j;
    } else {
      throw new TokenError(`unexpected \`${c}\` at ${i}`);
    }
  }
  tokens.push({ kind: 'end', at: input.length });
  return tokens;
}

function readString(input: string, start: number, tokens: Token[]): number {
  let j = start + 1;
  while (j < input.length && input[j] !== '"') j += input[j] === '\\' ? 2 : 1;
  if (j >= input.length) throw new TokenError(`string at ${start} is not closed`);
  const literal = input.slice(start, j + 1);
  let value: unknown;
  try {
    value = JSON.parse(literal);
  } catch {
    throw new TokenError(`string at ${start} has an invalid escape`);
  }
  tokens.push({ kind: 'string', value: value as string, at: start });
  return j + 1;
}
