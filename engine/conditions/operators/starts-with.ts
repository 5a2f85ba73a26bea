import { isString, type OperatorDefinition } from './definition.ts';

export const startsWith: OperatorDefinition = {
  kind: 'operator',
  name: 'startsWith',
  builtin: false,
  describe: 'starts with',
  value: 'string',
  accepts: isString,
  compile: (value) => (fact) => (fact as string).startsWith(value as string),
};
