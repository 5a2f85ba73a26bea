import type { OperatorDefinition } from './definition.ts';

export const notEqual: OperatorDefinition = {
  kind: 'operator',
  name: 'notEqual',
  builtin: true,
  describe: 'does not equal',
  value: 'any',
  compile: (value) => (fact) => fact !== value,
};
