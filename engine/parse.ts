// Stage 1: rule files → raw documents, each knowing its file and the line of any path in it.
// YAML files may hold several documents (`---`); a file or document whose top level is a list
// holds one rule per item. `*.test.yaml` files are rule tests, read by engine/testing.ts.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import type { Document, Node } from 'yaml';
import { error } from './diagnostics.ts';
import type { Diagnostic, SourceFile } from './types.ts';

export type DocPath = (string | number)[];

export interface RawDocument {
  file: string;
  /** The document as plain data (a `$schema` editor hint at the top is removed). */
  value: unknown;
  /** 1-based line where the document starts. */
  line: number;
  /** 1-based line of `path` inside the document (the nearest existing ancestor if absent). */
  lineOf(path: DocPath): number;
}

export interface ParseOutput {
  documents: RawDocument[];
  diagnostics: Diagnostic[];
}

const TEST_FILE = /\.test\.(ya?ml|json)$/i;

export function isRuleTestFile(path: string): boolean {
  return TEST_FILE.test(path);
}

export function parseSources(files: SourceFile[]): ParseOutput {
  const documents: RawDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const file of files) {
    if (isRuleTestFile(file.path)) continue;
    const out = parseSource(file);
    documents.push(...out.documents);
    diagnostics.push(...out.diagnostics);
  }
  return { documents, diagnostics };
}

export function parseSource(file: SourceFile): ParseOutput {
  const isJson = /\.json$/i.test(file.path);
  return (isJson ? parseJsonObject(file) : undefined) ?? parseWithPositions(file, isJson);
}

/**
 * Fast path for a JSON file holding one object (or rules/schema.json): `JSON.parse`, and the
 * YAML parser's node positions only when a diagnostic needs a line.
 */
function parseJsonObject(file: SourceFile): ParseOutput | undefined {
  let value: unknown;
  try {
    value = JSON.parse(file.text);
  } catch {
    return undefined;
  }
  if (isJsonSchema(value)) return { documents: [], diagnostics: [] };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  let lookup: RawDocument['lineOf'] | undefined;
  const lineOf: RawDocument['lineOf'] = (path) => {
    lookup ??= parseWithPositions(file, true).documents[0]?.lineOf ?? (() => 1);
    return lookup(path);
  };
  const start = file.text.search(/\S/);
  const line = file.text.slice(0, Math.max(start, 0)).split('\n').length;
  return { documents: [{ file: file.path, value: withoutSchemaHint(value), line, lineOf }], diagnostics: [] };
}

function parseWithPositions(file: SourceFile, isJson: boolean): ParseOutput {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(file.text, { lineCounter, prettyErrors: false });
  const line = (offset: number): number => lineCounter.linePos(offset).line;
  const parsed = Array.isArray(docs) ? docs : [];
  const diagnostics: Diagnostic[] = [];

  for (const doc of parsed) {
    for (const problem of doc.errors) {
      diagnostics.push(
        error(isJson ? 'json.syntax' : 'yaml.syntax', lowerFirst(problem.message.split('\n')[0]?.trim() || 'syntax error'), {
          file: file.path,
          line: line(problem.pos[0]),
        }),
      );
    }
  }
  if (diagnostics.length === 0 && isJson) {
    const jsonProblem = strictJsonProblem(file.text);
    if (jsonProblem) diagnostics.push(error('json.syntax', jsonProblem.message, { file: file.path, line: jsonProblem.offset === undefined ? 1 : line(jsonProblem.offset) }));
  }
  if (diagnostics.length > 0) return { documents: [], diagnostics };

  const documents: RawDocument[] = [];
  for (const doc of parsed) {
    const root = doc.contents;
    if (root === null || root === undefined) continue;
    let value: unknown;
    try {
      // Throws on an alias to an unknown anchor, or too many aliases (a "billion laughs" file).
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (caught) {
      const message = caught instanceof Error ? caught.message : String(caught);
      diagnostics.push(error(isJson ? 'json.syntax' : 'yaml.syntax', lowerFirst(message.split('\n')[0] ?? 'invalid document'), { file: file.path, line: line(root.range?.[0] ?? 0) }));
      continue;
    }
    if (value === null || value === undefined || isJsonSchema(value)) continue;
    if (Array.isArray(value) && isSeq(root)) {
      value.forEach((item, index) => {
        const node = root.items[index];
        if (item === null || item === undefined) return;
        documents.push(makeDocument(file.path, item, isNodeLike(node) ? node : root, doc, line));
      });
    } else {
      documents.push(makeDocument(file.path, value, root, doc, line));
    }
  }
  return { documents, diagnostics };
}

/** rules/schema.json sits beside the rules: a document with `$schema` and no `kind` is a schema. */
function isJsonSchema(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && '$schema' in value && !('kind' in value);
}

function makeDocument(file: string, value: unknown, root: Node, doc: Document, line: (offset: number) => number): RawDocument {
  const start = root.range?.[0] ?? 0;
  return {
    file,
    value: withoutSchemaHint(value),
    line: line(start),
    lineOf: (path) => line(offsetOf(root, path, doc) ?? start),
  };
}

/** `$schema` lets editors find rules/schema.json; it is not part of the rule. */
function withoutSchemaHint(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !('$schema' in value)) return value;
  const { $schema: _hint, ...rest } = value as Record<string, unknown>;
  return rest;
}

function isNodeLike(node: unknown): node is Node {
  return typeof node === 'object' && node !== null && 'range' in node;
}

/** Offset of the deepest node along `path`; a map entry is located by its key. */
function offsetOf(root: Node, path: DocPath, doc: Document): number | undefined {
  let node: unknown = root;
  let offset = root.range?.[0];
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return offset;
      const keyNode = pair.key;
      offset = isNodeLike(keyNode) ? keyNode.range?.[0] ?? offset : offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (!isNodeLike(item)) return offset;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}

/** YAML accepts more than JSON does (comments, bare words); a `.json` file must be JSON. */
function strictJsonProblem(text: string): { message: string; offset?: number } | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (caught) {
    const message = caught instanceof Error ? caught.message : String(caught);
    const position = /position (\d+)/.exec(message)?.[1];
    return {
      message: `invalid json: ${lowerFirst(message.split('\n')[0] ?? 'syntax error')}`,
      ...(position === undefined ? {} : { offset: Number(position) }),
    };
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
