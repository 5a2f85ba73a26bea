// The suites that run inside workerd (the Workers runtime), against a local D1 and local
// Queues configured from wrangler.toml. `npm test` runs this after the Node suites.
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { buildUiIfStale } from './ui/build-if-stale.ts';

// The Worker serves the admin UI from ui/dist (wrangler.toml's [assets]): built before the pool reads it.
buildUiIfStale();

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        // A test-only seal key (production: `wrangler secret put ROSTER_SEAL_KEY`).
        bindings: { ROSTER_SEAL_KEY: 'dGVzdC1vbmx5LXNlYWwta2V5LTMyLWJ5dGVzLWxvbmc=' },
        // Deliver queued messages to the consumer quickly in tests (production: wrangler.toml).
        queueConsumers: {
          'roster-dispatch': { maxBatchTimeout: 0.05 },
          'roster-reconcile': { maxBatchTimeout: 0.05 },
        },
      },
    }),
  ],
  test: {
    include: ['test/workers/**/*.test.ts'],
    passWithNoTests: false,
    testTimeout: 60_000,
    // The Worker logs one JSON line per request; show them only for a failing test.
    silent: 'passed-only',
  },
});
