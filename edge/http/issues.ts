// zod's refusals as `{path, message}` a person can act on: a union's refusal is resolved to what
// the value most plausibly meant (engine/compile/issues.ts, shared with rule files), and a value
// outside a list of options is named beside them. Used for request bodies and queries, app
// configs and the agent's config file; no Hono here, so the agent can use it too.
import type { z } from 'zod';
import { notAnOption, notOfType, valueAt, withoutUnions } from '../../engine/compile/issues.ts';
import type { PlainIssue } from '../../engine/compile/issues.ts';
import type { DocPath } from '../../engine/parse.ts';

export interface Problem {
  /** Dotted (`users.0.id`), or `(root)` for the value itself. */
  path: string;
  message: string;
}

/** Every problem zod found in `input`, each named by its path. */
export function problems(issues: readonly z.core.$ZodIssue[], input: unknown): Problem[] {
  return withoutUnions(issues, input).map((issue) => problemOf(issue, input));
}

/** One issue (unions already resolved) as a problem: a value of the wrong type or outside a set is shown beside what it must be. */
export function problemOf(issue: PlainIssue, input: unknown): Problem {
  const path = issue.path as DocPath;
  const value = valueAt(input, path);
  const message = issue.code === 'invalid_value' ? notAnOption(issue.values, value) : issue.code === 'invalid_type' ? notOfType(issue.expectedAny ?? [issue.expected], value) : issue.message;
  return { path: path.map(String).join('.') || '(root)', message };
}
