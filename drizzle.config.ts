// `npx drizzle-kit generate` writes a migration for schema changes into edge/db/migrations;
// then `npx tsx edge/db/gen-migrations.ts` embeds them for the runtime runner.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './edge/db/schema.ts',
  out: './edge/db/migrations',
});
