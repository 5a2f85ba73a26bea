// Writes rules/schema.json, the JSON Schema editors use for completion and checking of rule
// files. Generated from the engine's zod schemas; a test keeps the committed file current.
//   npm run schema            write rules/schema.json
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { conditionSchema, jsonValueSchema } from '../engine/conditions/schema.ts';
import { ruleKinds } from '../engine/rules/registry.ts';

export const SCHEMA_PATH = fileURLToPath(new URL('../rules/schema.json', import.meta.url));

/** The JSON Schema of one rule document: exactly one of the registered kinds. */
export function ruleDocumentJsonSchema(): Record<string, unknown> {
  const kinds = ruleKinds();
  nameDefinition(conditionSchema, 'condition', 'a json-rules-engine condition: `all`, `any`, `not`, or a leaf `{fact, operator, value, path?}`');
  nameDefinition(jsonValueSchema, 'jsonValue', 'any JSON value');
  const generated = z.toJSONSchema(z.union(kinds.map((kind) => kind.schema) as [z.ZodType, z.ZodType, ...z.ZodType[]]), {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    cycles: 'ref',
  }) as Record<string, unknown>;
  const { anyOf, $schema, $defs, ...rest } = collapseAliases(generated);
  // A rule file may name this schema in `$schema`; the engine ignores that key.
  const branches = (anyOf as Record<string, unknown>[]).map((branch) => {
    const properties = branch.properties as Record<string, unknown> | undefined;
    return properties ? { ...branch, properties: { $schema: { type: 'string', description: 'path or URL of this JSON Schema (ignored by Roster)' }, ...properties } } : branch;
  });
  return {
    $schema,
    $id: 'https://roster.dev/schema/rules.json',
    title: 'Roster rule document',
    description: `one rule: ${kinds.map((kind) => `\`${kind.kind}\``).join(', ')}`,
    oneOf: branches,
    ...rest,
    $defs,
  };
}

/**
 * A lazy schema shows up as a named definition that only points at an anonymous one
 * (`condition: {$ref: __schema0}`): move the body under the name and drop the alias.
 */
function collapseAliases(schema: Record<string, unknown>): Record<string, unknown> {
  const defs = { ...(schema.$defs as Record<string, Record<string, unknown>> | undefined) };
  const renames = new Map<string, string>();
  for (const [name, body] of Object.entries(defs)) {
    const { $ref, ...meta } = body;
    const target = typeof $ref === 'string' ? $ref.replace('#/$defs/', '') : undefined;
    if (!target || Object.keys(meta).some((key) => key !== 'description') || !defs[target]) continue;
    if (name.startsWith('__schema')) {
      delete defs[name];
      renames.set(`#/$defs/${name}`, `#/$defs/${target}`);
    } else if (target.startsWith('__schema')) {
      defs[name] = { ...meta, ...defs[target] };
      delete defs[target];
      renames.set(`#/$defs/${target}`, `#/$defs/${name}`);
    }
  }
  const text = JSON.stringify({ ...schema, $defs: defs }, (key, value: unknown) => (key === '$ref' && typeof value === 'string' ? (renames.get(value) ?? value) : value));
  return JSON.parse(text) as Record<string, unknown>;
}

/** Recursive schemas become `$defs` named `condition`, not `__schema0`. */
function nameDefinition(schema: z.ZodType, id: string, description: string): void {
  // `_zod.innerType` is the lazy schema's cached inner schema (`unwrap()` builds a new one).
  const inner = schema instanceof z.ZodLazy ? (schema._zod.innerType as z.ZodType) : schema;
  if (!z.globalRegistry.has(inner)) z.globalRegistry.add(inner, { id, description });
}

export function renderSchema(): string {
  return `${JSON.stringify(ruleDocumentJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_PATH, renderSchema());
  process.stdout.write(`wrote ${SCHEMA_PATH}\n`);
}
