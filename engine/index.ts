// Roster's engine: pure, isomorphic. parse → compile → evaluate → plan, each action with its why.
export type * from './types.ts';
export { makeContext } from './context.ts';
export * from './conditions/index.ts';
export { compileRules } from './compile.ts';
export type { CompileOutput } from './compile.ts';
export { parseSources, isRuleTestFile } from './parse.ts';
export type { RawDocument, DocPath } from './parse.ts';
export { hashJson, canonicalJson, sha256Hex } from './hash.ts';
export { compileExpression } from './expressions.ts';
export type { CompiledExpression, ExpressionValue } from './expressions.ts';
export { DIAGNOSTICS, sortDiagnostics } from './diagnostics.ts';
export type { DiagnosticCode } from './diagnostics.ts';
export * from './rules/index.ts';
export { runRuleTests, parseTestFile, ruleTestSchema, DEFAULT_TEST_AS_OF } from './testing.ts';
export type { RuleTest, RuleTestResult, RuleTestReport } from './testing.ts';
