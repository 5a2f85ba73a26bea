import { isNumeric, type OperatorDefinition } from './definition.ts';

export const lessThan: OperatorDefinition = {
  kind: 'operator',
  name: 'lessThan',
  builtin: true,
  describe: 'is less than',
  value: 'any',
  accepts: isNumeric,
  compile: (value) => (fact) => (fact as number) < (value as number),
};
