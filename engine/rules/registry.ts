// The rule kinds the compiler knows. Adding a kind is one file and one line here.
import { appKind } from './app.ts';
import { assignmentKind } from './assignment.ts';
import type { RuleDocument, RuleKindDefinition } from './definition.ts';
import { groupKind } from './group.ts';
import { overrideKind } from './override.ts';
import { passwordPolicyKind } from './password-policy.ts';
import { settingsKind } from './settings.ts';

const definitions: RuleKindDefinition[] = [appKind, assignmentKind, groupKind, settingsKind, passwordPolicyKind, overrideKind] as RuleKindDefinition<RuleDocument>[];

const byKind = new Map<string, RuleKindDefinition>(definitions.map((definition) => [definition.kind, definition]));

export function ruleKind(kind: string): RuleKindDefinition | undefined {
  return byKind.get(kind);
}

export function ruleKinds(): readonly RuleKindDefinition[] {
  return definitions;
}
