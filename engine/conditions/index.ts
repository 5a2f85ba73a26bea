// Public face of the condition compiler. (Being written: signatures are final.)
export { conditionSchema } from './schema.ts';
export { checkCondition } from './check.ts';
export { compileCondition } from './compile.ts';
export { operatorNames, jsonRulesEngineOperators, jsonRulesEngineDecorators } from './operators/registry.ts';
