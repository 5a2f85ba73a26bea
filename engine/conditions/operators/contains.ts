import { isArray, type OperatorDefinition } from './definition.ts';

export const contains: OperatorDefinition = {
  kind: 'operator',
  name: 'contains',
  builtin: true,
  describe: 'contains',
  value: 'any',
  accepts: isArray,
  compile: (value) => (fact) => (fact as unknown[]).indexOf(value) > -1,
};
