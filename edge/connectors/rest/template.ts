// JSON templates for the REST connector: strings with `{{path}}` placeholders over the action's
// data. A string that is one placeholder keeps the value's JSON type; placeholders inside a
// longer string are text (URL-encoded in paths). A placeholder naming nothing is an error,
// reported by path, never sent as an empty value.
import type { Json } from '../../../engine/types.ts';

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}$/;

export type TemplateResult<T> = { ok: true; value: T } | { ok: false; error: string };

function lookup(data: Record<string, unknown>, path: string): unknown {
  let node: unknown = data;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function text(data: Record<string, unknown>, template: string, encode: boolean, missing: string[]): string {
  return template.replace(PLACEHOLDER, (_m, path: string) => {
    const value = lookup(data, path);
    if (value === undefined || value === null) {
      missing.push(path);
      return '';
    }
    const s = typeof value === 'object' ? JSON.stringify(value) : String(value);
    return encode ? encodeURIComponent(s) : s;
  });
}

export function renderPath(template: string, data: Record<string, unknown>): TemplateResult<string> {
  const missing: string[] = [];
  const value = text(data, template, true, missing);
  return missing.length ? { ok: false, error: `\`${template}\` needs ${missing.map((m) => `\`${m}\``).join(', ')}` } : { ok: true, value };
}

export function renderBody(template: Json, data: Record<string, unknown>): TemplateResult<Json> {
  const missing: string[] = [];
  const walk = (node: Json): Json => {
    if (typeof node === 'string') {
      const whole = WHOLE.exec(node);
      if (whole) {
        const value = lookup(data, whole[1] as string);
        if (value === undefined) {
          missing.push(whole[1] as string);
          return null;
        }
        return value as Json;
      }
      return text(data, node, false, missing);
    }
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    return node;
  };
  const value = walk(template);
  return missing.length ? { ok: false, error: `the body template needs ${[...new Set(missing)].map((m) => `\`${m}\``).join(', ')}` } : { ok: true, value };
}

/** A value from a response body by dotted path (`id`, `data.id`). */
export function pick(body: unknown, path: string): unknown {
  return lookup({ body }, `body.${path}`);
}
