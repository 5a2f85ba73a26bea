// Svelte options for the admin UI (TypeScript in components through Vite's transform).
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

export default { preprocess: vitePreprocess() };
