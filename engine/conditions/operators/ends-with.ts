import { isString, type OperatorDefinition } from './definition.ts';

export const endsWith: OperatorDefinition = {
  kind: 'operator',
  name: 'endsWith',
  builtin: false,
  describe: 'ends with',
  value: 'string',
  accepts: isString,
  compile: (value) => (fact) => (fact as string).endsWith(value as string),
};
