// A fast path for the simple mapping expressions nearly every app writes (`user.email`,
// `user.firstName + " " + user.lastName`, `user.email.split("@")[0].lowerAscii()`,
// `has(user.title) ? user.title : ""`): the parsed CEL tree becomes plain closures over the
// profile as given, skipping cel-js's per-call profile conversion and interpreter.
//
// It only ever answers when cel-js would answer the same: a string, a bool or null, reached
// through plain objects, own attributes, strings and lists of strings. Anything else (a missing
// attribute, a number, a value of another type, an index out of range) returns `BAIL`, and the
// caller asks cel-js, which gives the exact value or error. `expressions-fast.test.ts` runs both
// paths on random profiles to keep it so.
import type { ASTNode } from '@marcbachmann/cel-js';

/** What the fast path returns when cel-js must decide. */
export const BAIL: unique symbol = Symbol('bail');

export type FastResult = string | boolean | null | typeof BAIL;

/** Evaluates a compiled expression against the raw profile and app; BAIL when cel-js must. */
export type FastExpression = (user: unknown, app: unknown) => FastResult;

type Step = (user: unknown, app: unknown) => unknown;

const enumerable = Object.prototype.propertyIsEnumerable;
const hasOwn = Object.hasOwn;
const getPrototypeOf = Object.getPrototypeOf;
const OBJECT = Object.prototype;
const ARRAY = Array.prototype;

/** String methods with the same body as cel-js's overloads (and Roster's `replace`). */
const METHODS: Record<string, { arity: number; run: (text: string, a: string, b: string) => unknown }> = {
  lowerAscii: { arity: 0, run: (text) => text.toLowerCase() },
  upperAscii: { arity: 0, run: (text) => text.toUpperCase() },
  trim: { arity: 0, run: (text) => text.trim() },
  split: { arity: 1, run: (text, separator) => text.split(separator) },
  replace: { arity: 2, run: (text, from, to) => text.split(from).join(to) },
  contains: { arity: 1, run: (text, part) => text.includes(part) },
  startsWith: { arity: 1, run: (text, part) => text.startsWith(part) },
  endsWith: { arity: 1, run: (text, part) => text.endsWith(part) },
};

/** Compiles a type-checked CEL tree, or returns undefined when its shape is not a simple one. */
export function compileFast(ast: ASTNode): FastExpression | undefined {
  const step = compileNode(ast);
  if (step === undefined) return undefined;
  return (user, app) => {
    const value = step(user, app);
    return typeof value === 'string' || typeof value === 'boolean' || value === null ? value : BAIL;
  };
}

/**
 * A map cel-js reads as one: a plain object. cel-js tells types apart by `value.constructor`,
 * so an object with its own `constructor` member is something it refuses: left to cel-js.
 */
function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && getPrototypeOf(value) === OBJECT && !hasOwn(value, 'constructor');
}

/** A value cel-js reads without complaint: a scalar, a plain list or a map. */
function isData(value: unknown): boolean {
  const type = typeof value;
  if (value === null || type === 'string' || type === 'boolean' || type === 'number' || type === 'bigint') return true;
  if (type !== 'object') return false;
  const prototype = getPrototypeOf(value);
  return (prototype === OBJECT || prototype === ARRAY) && !hasOwn(value as object, 'constructor');
}

/**
 * An attribute of a map as cel-js sees it: the profile is copied member by member
 * (`Object.entries`, undefined members dropped) before cel-js reads it, so only own enumerable
 * members exist. Anything but a map holding plain data is left to cel-js.
 */
function member(receiver: unknown, key: string): unknown {
  if (!isMap(receiver) || !enumerable.call(receiver, key)) return BAIL;
  const value = receiver[key];
  return value !== undefined && isData(value) ? value : BAIL;
}

function compileNode(node: ASTNode): Step | undefined {
  switch (node.op) {
    case 'value': {
      const literal = node.args;
      if (typeof literal !== 'string' && typeof literal !== 'boolean' && literal !== null) return undefined;
      return () => literal;
    }
    case 'id': {
      if (node.args === 'user') return (user) => user;
      if (node.args === 'app') return (_user, app) => app;
      return undefined;
    }
    case '.': {
      const [receiverNode, key] = node.args;
      // Copying a profile into a fresh object turns an own `__proto__` member into a prototype.
      if (key === '__proto__') return undefined;
      const receiver = compileNode(receiverNode);
      if (receiver === undefined) return undefined;
      return (user, app) => member(receiver(user, app), key);
    }
    case '[]': {
      const [listNode, indexNode] = node.args;
      if (indexNode.op !== 'value' || typeof indexNode.args !== 'bigint' || indexNode.args < 0n || indexNode.args > 0xffffn) return undefined;
      const index = Number(indexNode.args);
      const list = compileNode(listNode);
      if (list === undefined) return undefined;
      return (user, app) => {
        const items = list(user, app);
        if (!Array.isArray(items) || getPrototypeOf(items) !== ARRAY || index >= items.length) return BAIL;
        const item: unknown = items[index];
        return typeof item === 'string' ? item : BAIL;
      };
    }
    case '+': {
      const [leftNode, rightNode] = node.args;
      const left = compileNode(leftNode);
      const right = compileNode(rightNode);
      if (left === undefined || right === undefined) return undefined;
      return (user, app) => {
        const a = left(user, app);
        if (typeof a !== 'string') return BAIL;
        const b = right(user, app);
        return typeof b === 'string' ? a + b : BAIL;
      };
    }
    case '==':
    case '!=': {
      const [leftNode, rightNode] = node.args;
      const left = compileNode(leftNode);
      const right = compileNode(rightNode);
      if (left === undefined || right === undefined) return undefined;
      const equal = node.op === '==';
      return (user, app) => {
        const a = left(user, app);
        const b = right(user, app);
        return typeof a === 'string' && typeof b === 'string' ? (a === b) === equal : BAIL;
      };
    }
    case '&&':
    case '||': {
      const [leftNode, rightNode] = node.args;
      const left = compileNode(leftNode);
      const right = compileNode(rightNode);
      if (left === undefined || right === undefined) return undefined;
      // The left side alone decides when it is false (`&&`) or true (`||`), as in CEL.
      const decides = node.op === '||';
      return (user, app) => {
        const a = left(user, app);
        if (typeof a !== 'boolean') return BAIL;
        if (a === decides) return a;
        const b = right(user, app);
        return typeof b === 'boolean' ? b : BAIL;
      };
    }
    case '!_': {
      const operand = compileNode(node.args);
      if (operand === undefined) return undefined;
      return (user, app) => {
        const value = operand(user, app);
        return typeof value === 'boolean' ? !value : BAIL;
      };
    }
    case '?:': {
      const [conditionNode, thenNode, elseNode] = node.args;
      const condition = compileNode(conditionNode);
      const then = compileNode(thenNode);
      const otherwise = compileNode(elseNode);
      if (condition === undefined || then === undefined || otherwise === undefined) return undefined;
      return (user, app) => {
        const chosen = condition(user, app);
        if (typeof chosen !== 'boolean') return BAIL;
        return chosen ? then(user, app) : otherwise(user, app);
      };
    }
    case 'call': {
      const [name, args] = node.args;
      return name === 'has' && args.length === 1 ? compileHas(args[0] as ASTNode) : undefined;
    }
    case 'rcall': {
      const [name, receiverNode, argNodes] = node.args;
      const method = Object.hasOwn(METHODS, name) ? METHODS[name] : undefined;
      if (method === undefined || argNodes.length !== method.arity) return undefined;
      const receiver = compileNode(receiverNode);
      const args = argNodes.map(compileNode);
      if (receiver === undefined || args.some((arg) => arg === undefined)) return undefined;
      const [first, second] = args as Step[];
      const run = method.run;
      if (first === undefined) {
        return (user, app) => {
          const text = receiver(user, app);
          return typeof text === 'string' ? run(text, '', '') : BAIL;
        };
      }
      return (user, app) => {
        const text = receiver(user, app);
        if (typeof text !== 'string') return BAIL;
        const a = first(user, app);
        if (typeof a !== 'string') return BAIL;
        const b = second === undefined ? '' : second(user, app);
        return typeof b === 'string' ? run(text, a, b) : BAIL;
      };
    }
    default:
      return undefined;
  }
}

/**
 * `has(user.a.b)`: false when the last member is absent, an error (BAIL) when one before it is.
 * A present member counts only if it is a value cel-js knows (plain data); else cel-js decides.
 */
function compileHas(node: ASTNode): Step | undefined {
  if (node.op !== '.') return undefined;
  const [receiverNode, key] = node.args;
  if (key === '__proto__') return undefined;
  const receiver = compileNode(receiverNode);
  if (receiver === undefined) return undefined;
  return (user, app) => {
    const object = receiver(user, app);
    if (!isMap(object)) return BAIL;
    if (!enumerable.call(object, key)) return false;
    const value = object[key];
    if (value === undefined) return false;
    return isData(value) ? true : BAIL;
  };
}
