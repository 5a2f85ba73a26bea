import type { OperatorDefinition } from './definition.ts';
import { memberOf } from './in.ts';

export const notIn: OperatorDefinition = {
  kind: 'operator',
  name: 'notIn',
  builtin: true,
  describe: 'is none of',
  value: 'array',
  compile: (value) => {
    const has = memberOf(value as unknown[]);
    return (fact) => !has(fact);
  },
};
