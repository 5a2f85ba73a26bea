// The rule editor's bridge between YAML text and the condition builder: read each document's
// kind, id and `when`; write a new `when` back into one document, keeping the others' text.
import { isMap, parseAllDocuments, visit } from 'yaml';
import type { Condition } from '../../../../engine/types.ts';

export interface DocSummary {
  index: number;
  kind?: string;
  id?: string;
  /** 1-based lines the document spans, for matching diagnostics to it. */
  firstLine: number;
  lastLine: number;
  /** The document's condition, when it has one and the YAML is readable. */
  when?: Condition;
  /** True when the YAML of this document does not parse. */
  broken: boolean;
}

const STRINGIFY = { flowCollectionPadding: false, lineWidth: 0 } as const;

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function summarise(text: string): DocSummary[] {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return [];
  return docs.map((doc, index) => {
    const [start, , end] = doc.range;
    const broken = doc.errors.length > 0;
    const value: unknown = broken ? undefined : doc.toJS();
    const record = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    const summary: DocSummary = { index, firstLine: lineAt(text, start), lastLine: lineAt(text, Math.max(start, end - 1)), broken };
    if (typeof record.kind === 'string') summary.kind = record.kind;
    if (typeof record.id === 'string') summary.id = record.id;
    if (typeof record.when === 'object' && record.when !== null) summary.when = record.when as Condition;
    return summary;
  });
}

/** `text` with document `index`'s `when` replaced by `condition`; leaves are written in flow style. */
export function setWhen(text: string, index: number, condition: Condition): string {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return text;
  const doc = docs[index];
  if (!doc || doc.errors.length > 0) return text;
  const node = doc.createNode(condition);
  visit(node, {
    Map(_, map) {
      if (isMap(map) && map.has('fact')) map.flow = true;
    },
  });
  doc.setIn(['when'], node);
  const [start, , end] = doc.range;
  // Only the edited document is re-printed; the others keep their text, comments and layout.
  let printed = doc.toString(STRINGIFY);
  const original = text.slice(start, end);
  const marker = /^---[^\n]*\n/.exec(original);
  if (marker && !printed.startsWith('---')) printed = marker[0] + printed;
  if (!marker && printed.startsWith('---\n') && index === 0) printed = printed.slice(4);
  const rest = text.slice(end);
  return text.slice(0, start) + printed + (printed.endsWith('\n') || rest === '' || rest.startsWith('\n') ? '' : '\n') + rest;
}

/** A value as the builder shows it in one input: YAML flow (`[FTE, Contractor]`, `5`, `Engineering`). */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return value === '' || isBareWord(value) ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => (typeof item === 'string' && isBareWord(item) ? item : JSON.stringify(item))).join(', ')}]`;
  return JSON.stringify(value);
}

/** A string that reads back as itself inside a `[a, b]` list. */
function isBareWord(text: string): boolean {
  return /^[^",\][{}]+$/.test(text) && text.trim() === text && !/^-?\d+(\.\d+)?$|^(true|false|null)$/.test(text);
}

/** What a person typed in the value box: a list, number or boolean when it reads as one, else text. */
export function readValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  if (/^[[{"]|^-?\d+(\.\d+)?$|^(true|false|null)$/.test(trimmed)) {
    try {
      return JSON.parse(trimmed.startsWith('[') ? quoteBareWords(trimmed) : trimmed);
    } catch {
      return text;
    }
  }
  return text;
}

/** `[FTE, Contractor]` → `["FTE","Contractor"]`: people write lists the way the YAML does. */
function quoteBareWords(list: string): string {
  return list.replace(/(^\[|,)\s*([^",\][]+?)\s*(?=,|\])/g, (_, sep: string, word: string) => `${sep}${/^-?\d+(\.\d+)?$|^(true|false|null)$/.test(word) ? word : JSON.stringify(word)}`);
}
