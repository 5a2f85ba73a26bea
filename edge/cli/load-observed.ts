// Observed state files: JSON `{accounts: [...], memberships: [...]}` as the engine's ObservedState.
import { z } from 'zod';
import type { ObservedState } from '../../engine/types.ts';
import { CliError } from './command.ts';
import { readInputFile } from './load-users.ts';
import { lineAtPath, parseJsonFile } from './parse-json.ts';

const jsonValue: z.ZodType<unknown> = z.lazy(() => z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(jsonValue), z.record(z.string(), jsonValue)]));

// Loose objects: connectors may export more than the planner reads, and that is fine.
const observedSchema = z.object({
  accounts: z.array(
    z.looseObject({
      userId: z.string().min(1),
      appId: z.string().min(1),
      status: z.enum(['active', 'suspended', 'deactivated']),
      role: z.string().optional(),
      attributes: z.record(z.string(), jsonValue).optional(),
      deactivatedAt: z.iso.datetime({ offset: true }).optional(),
    }),
  ).default([]),
  memberships: z.array(z.looseObject({ userId: z.string().min(1), groupId: z.string().min(1) })).default([]),
  /** Groups as the apps hold them (group push and group sync). */
  appGroups: z.array(
    z.looseObject({
      appId: z.string().min(1),
      groupId: z.string().min(1).optional(),
      externalId: z.string().min(1).optional(),
      name: z.string().min(1),
      description: z.string().optional(),
      members: z.array(z.string().min(1)).default([]),
    }),
  ).optional(),
  /** How each app's read went: an `empty` or `failed` read never removes accounts. */
  health: z.record(z.string(), z.enum(['ok', 'empty', 'failed'])).optional(),
}).strict();

export function loadObserved(path: string, cwd = '.'): ObservedState {
  return parseObserved(readInputFile(path, 'observed', cwd), path);
}

export function parseObserved(text: string, file: string): ObservedState {
  const data = parseJsonFile(text, file);
  const parsed = observedSchema.safeParse(data);
  if (parsed.success) return parsed.data as ObservedState;
  const issue = parsed.error.issues[0];
  if (!issue) throw new CliError(`${file}:1: invalid observed state`);
  const where = issue.path.length > 0 ? ` at \`${formatPath(issue.path)}\`` : '';
  throw new CliError(`${file}:${lineAtPath(text, issue.path)}: invalid observed state${where}: ${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}`);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}
