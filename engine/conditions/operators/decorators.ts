import { isArray, type DecoratorDefinition } from './definition.ts';

// json-rules-engine's operator decorators (`someFact:equal`, `not:in`, …), one definition each.

export const someFact: DecoratorDefinition = {
  kind: 'decorator',
  name: 'someFact',
  builtin: true,
  describe: 'some item of the fact',
  accepts: isArray,
  value: 'any',
  decorate: (next) => (fact, value) => (fact as unknown[]).some((item) => next(item, value)),
};

export const everyFact: DecoratorDefinition = {
  kind: 'decorator',
  name: 'everyFact',
  builtin: true,
  describe: 'every item of the fact',
  accepts: isArray,
  value: 'any',
  decorate: (next) => (fact, value) => (fact as unknown[]).every((item) => next(item, value)),
};

export const someValue: DecoratorDefinition = {
  kind: 'decorator',
  name: 'someValue',
  builtin: true,
  describe: 'for some item of the value',
  value: 'array',
  decorate: (next) => (fact, value) => (value as unknown[]).some((item) => next(fact, item)),
};

export const everyValue: DecoratorDefinition = {
  kind: 'decorator',
  name: 'everyValue',
  builtin: true,
  describe: 'for every item of the value',
  value: 'array',
  decorate: (next) => (fact, value) => (value as unknown[]).every((item) => next(fact, item)),
};

export const swap: DecoratorDefinition = {
  kind: 'decorator',
  name: 'swap',
  builtin: true,
  describe: 'with fact and value swapped',
  value: 'any',
  decorate: (next) => (fact, value) => next(value, fact),
};

export const not: DecoratorDefinition = {
  kind: 'decorator',
  name: 'not',
  builtin: true,
  describe: 'not',
  value: 'any',
  decorate: (next) => (fact, value) => !next(fact, value),
};
