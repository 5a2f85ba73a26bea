import { isArray, type OperatorDefinition } from './definition.ts';

export const doesNotContain: OperatorDefinition = {
  kind: 'operator',
  name: 'doesNotContain',
  builtin: true,
  describe: 'does not contain',
  value: 'any',
  accepts: isArray,
  compile: (value) => (fact) => (fact as unknown[]).indexOf(value) === -1,
};
