export type { AppReference, GroupReference, ExpressionSite, RuleDocument, RuleKindDefinition } from './definition.ts';
export { ruleKind, ruleKinds } from './registry.ts';
export { appSchema, CONNECTORS } from './app.ts';
export { assignmentSchema } from './assignment.ts';
export { groupSchema } from './group.ts';
export { overrideRuleSchema } from './override.ts';
export { settingsSchema, ATTRIBUTE_TYPES } from './settings.ts';
export { ID_PATTERN, DEPROVISION_MODES } from './common.ts';
