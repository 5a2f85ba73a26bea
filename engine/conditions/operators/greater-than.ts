import { isNumeric, type OperatorDefinition } from './definition.ts';

export const greaterThan: OperatorDefinition = {
  kind: 'operator',
  name: 'greaterThan',
  builtin: true,
  describe: 'is greater than',
  value: 'any',
  accepts: isNumeric,
  compile: (value) => (fact) => (fact as number) > (value as number),
};
