import { isNumeric, type OperatorDefinition } from './definition.ts';

export const lessThanInclusive: OperatorDefinition = {
  kind: 'operator',
  name: 'lessThanInclusive',
  builtin: true,
  describe: 'is at most',
  value: 'any',
  accepts: isNumeric,
  compile: (value) => (fact) => (fact as number) <= (value as number),
};
