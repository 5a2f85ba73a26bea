import type { OperatorDefinition } from './definition.ts';

export const equal: OperatorDefinition = {
  kind: 'operator',
  name: 'equal',
  builtin: true,
  describe: 'equals',
  value: 'any',
  compile: (value) => (fact) => fact === value,
};
