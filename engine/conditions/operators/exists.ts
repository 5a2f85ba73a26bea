import type { OperatorDefinition } from './definition.ts';

/** `{operator: exists, value: true}`: the attribute is present and not null. */
export const exists: OperatorDefinition = {
  kind: 'operator',
  name: 'exists',
  builtin: false,
  describe: 'is present',
  value: 'boolean',
  compile: (value) => (fact) => (fact !== undefined && fact !== null) === value,
};
