// The admin UI: a Svelte 5 SPA served by the edge under `/ui/`. The engine is bundled from the
// same source the edge runs (../engine), and simulation runs in a module Web Worker.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import { SWAGGER_FILES } from '../edge/openapi/docs-page.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/ui/',
  plugins: [svelte(), swaggerUiFiles()],
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
  },
  server: {
    // `npm run dev:ui` with the API on :8787: requests to /v1 and /health go to it.
    proxy: { '/v1': 'http://127.0.0.1:8787', '/health': 'http://127.0.0.1:8787', '/openapi.json': 'http://127.0.0.1:8787' },
  },
});

/**
 * Swagger UI's files (from the swagger-ui-dist package) beside the UI, under swagger-ui-dist/: a
 * Worker serves the API page's script and stylesheet from its static assets (ui/dist) with
 * them, not from a CDN. Node serves them from the package itself.
 */
function swaggerUiFiles(): Plugin {
  const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  return {
    name: 'roster-swagger-ui-files',
    apply: 'build',
    generateBundle() {
      for (const name of SWAGGER_FILES.keys()) this.emitFile({ type: 'asset', fileName: `swagger-ui-dist/${name}`, source: readFileSync(join(dist, name)) });
    },
  };
}
