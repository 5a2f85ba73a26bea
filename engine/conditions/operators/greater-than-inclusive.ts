import { isNumeric, type OperatorDefinition } from './definition.ts';

export const greaterThanInclusive: OperatorDefinition = {
  kind: 'operator',
  name: 'greaterThanInclusive',
  builtin: true,
  describe: 'is at least',
  value: 'any',
  accepts: isNumeric,
  compile: (value) => (fact) => (fact as number) >= (value as number),
};
