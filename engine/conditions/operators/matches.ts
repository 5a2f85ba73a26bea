import { isString, type OperatorDefinition } from './definition.ts';

/** `value` is a regular expression source; the check stage has already compiled it once. */
export const matches: OperatorDefinition = {
  kind: 'operator',
  name: 'matches',
  builtin: false,
  describe: 'matches the pattern',
  value: 'regex',
  accepts: isString,
  compile: (value) => {
    const pattern = new RegExp(value as string, 'u');
    return (fact) => pattern.test(fact as string);
  },
};
