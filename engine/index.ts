// Roster's engine: pure, isomorphic. parse → compile → evaluate → plan, each action with its why.
export type * from './types.ts';
export { makeContext } from './context.ts';
export * from './conditions/index.ts';
