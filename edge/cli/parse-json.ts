// JSON with locations: syntax errors name the line and column; array items can be located.
import { LineCounter, parseDocument, isSeq } from 'yaml';
import { CliError } from './command.ts';

/** Parses JSON or throws a one-line CliError naming `file:line:column`. */
export function parseJsonFile(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /at position (\d+)/.exec(message);
    const reason = lowerFirst(message.replace(/\s*in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, ''));
    if (position) {
      const { line, col } = lineCol(text, Number(position[1]));
      throw new CliError(`${file}:${line}:${col}: malformed json: ${reason}`);
    }
    const { line } = lineCol(text, text.length);
    throw new CliError(`${file}:${line}: malformed json: ${reason}`);
  }
}

/** The 1-based line of each item of the top-level array (or of a named array property). */
export function arrayItemLines(text: string, property?: string): number[] {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  const node = property === undefined ? doc.contents : doc.get(property, true);
  if (!isSeq(node)) return [];
  return node.items.map((item) => {
    const start = item && typeof item === 'object' && 'range' in item && Array.isArray(item.range) ? Number(item.range[0]) : 0;
    return counter.linePos(start).line;
  });
}

/** The 1-based line of the value at `path` in a JSON/YAML text, or of its nearest parent. */
export function lineAtPath(text: string, path: readonly PropertyKey[]): number {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown = doc.getIn(path.slice(0, depth) as unknown[], true);
    if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) return counter.linePos(Number(node.range[0])).line;
  }
  return 1;
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - before.lastIndexOf('\n');
  return { line, col };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
