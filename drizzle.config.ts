// After changing edge/db/schema.ts run `npm run db:generate`: drizzle-kit writes the migration
// into edge/db/migrations and edge/db/gen-migrations.ts embeds it for the runtime runner
// (edge/db/migrate.test.ts fails while the two disagree with the schema).
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './edge/db/schema.ts',
  out: './edge/db/migrations',
});
