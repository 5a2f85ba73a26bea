import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['engine/**/*.test.ts', 'edge/**/*.test.ts', 'test/**/*.test.ts', 'rules/**/*.test.ts', 'scripts/**/*.test.ts', 'ui/src/**/*.test.ts'],
    // test/workers runs inside workerd: `vitest run -c vitest.workers.config.ts`.
    exclude: [...configDefaults.exclude, 'test/workers/**'],
    // A run that executes no test is a broken run, never a green one.
    passWithNoTests: false,
    testTimeout: 60_000,
  },
});
