// The engine is pure: time, ids, randomness and I/O come in as arguments. This keeps it so.
// The edge's promises are all awaited or handled (below).
import tseslint from 'typescript-eslint';

const impureGlobals = ['fetch', 'console', 'process', 'eval', 'setTimeout', 'setInterval', 'XMLHttpRequest', 'WebSocket', 'require'].map((name) => ({
  name,
  message: `engine/ is pure: \`${name}\` does I/O or hides state; pass what you need in as an argument`,
}));

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'ui/dist/**', 'data/**'] },
  // The edge does I/O: a promise nobody awaits is a write that may be lost or fail unseen, and
  // an async callback where a plain one is expected has its rejection dropped.
  {
    files: ['edge/**/*.ts'],
    ignores: ['edge/**/*.test.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['engine/**/*.ts'],
    ignores: ['engine/**/*.test.ts'],
    languageOptions: { parser: tseslint.parser },
    rules: {
      'no-restricted-globals': ['error', ...impureGlobals],
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'http', 'https', 'net', 'crypto'], message: 'engine/ is pure: no Node built-ins' },
          { group: ['**/edge/**', '**/ui/**'], message: 'engine/ must not depend on edge/ or ui/' },
        ],
      }],
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'engine/ is pure: take `asOf` as an argument instead of Date.now()' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'engine/ is pure: take `asOf` as an argument instead of new Date()' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'engine/ is pure: take a seed as an argument instead of Math.random()' },
        { selector: "MemberExpression[object.name='crypto'][property.name='randomUUID']", message: 'engine/ is pure: ids come in as arguments' },
        { selector: "NewExpression[callee.name='Function']", message: 'engine/ must run on Workers: no new Function' },
        { selector: "CallExpression[callee.name='Function']", message: 'engine/ must run on Workers: no Function()' },
      ],
    },
  },
);
