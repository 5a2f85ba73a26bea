// Target applications: connector and its configuration, and the quarantine state the
// dispatcher sets when a connector keeps failing (with the time it may be tried again).
import { asc, eq } from 'drizzle-orm';
import { writeWithAudit } from '../../audit/chain.ts';
import { redactSecrets } from '../../connectors/secrets.ts';
import type { Db, JsonObject, Outcome, WriteContext } from '../index.ts';
import { fail, isConstraintError, ok } from '../index.ts';
import { apps } from '../schema.ts';

export type App = typeof apps.$inferSelect;
export type AppInput = Pick<App, 'id' | 'name' | 'connector' | 'config'>;

export async function getApp(db: Db, id: string): Promise<App | undefined> {
  const [row] = await db.select().from(apps).where(eq(apps.id, id)).limit(1);
  return row;
}

export async function listApps(db: Db): Promise<App[]> {
  return db.select().from(apps).orderBy(asc(apps.id));
}

/**
 * Creates or replaces name, connector and config (its secrets sealed by the caller:
 * connectors/secrets.ts); quarantine state is kept. The audit log records secrets as `(redacted)`.
 */
export async function saveApp(db: Db, input: AppInput, ctx: WriteContext): Promise<App> {
  return writeApp(db, input, ctx, true);
}

/** Registers a new app: one registered meanwhile (two admins at once) is `exists`, never replaced. */
export async function createApp(db: Db, input: AppInput, ctx: WriteContext): Promise<Outcome<App, 'exists'>> {
  try {
    return ok(await writeApp(db, input, ctx, false));
  } catch (error) {
    if (isConstraintError(error, 'apps.id')) return fail('exists', `app \`${input.id}\` exists`);
    throw error;
  }
}

async function writeApp(db: Db, input: AppInput, ctx: WriteContext, replace: boolean): Promise<App> {
  const row: App = { ...input, status: 'ok', quarantinedUntil: null };
  const insert = db.insert(apps).values(row);
  const [rows] = (await writeWithAudit(db, [{ ...ctx, type: 'app.save', subject: input.id, data: { name: input.name, connector: input.connector, config: redactSecrets(input.config) as JsonObject } }], () => [
    (replace ? insert.onConflictDoUpdate({ target: apps.id, set: { name: input.name, connector: input.connector, config: input.config } }) : insert).returning(),
  ])) as App[][];
  return rows?.[0] ?? row;
}

export async function quarantineApp(db: Db, id: string, until: string, reason: string, ctx: WriteContext): Promise<Outcome<App, 'not_found'>> {
  return setState(db, id, { status: 'quarantined', quarantinedUntil: until }, ctx, { reason, until });
}

export async function releaseApp(db: Db, id: string, ctx: WriteContext): Promise<Outcome<App, 'not_found'>> {
  return setState(db, id, { status: 'ok', quarantinedUntil: null }, ctx, {});
}

async function setState(db: Db, id: string, state: Pick<App, 'status' | 'quarantinedUntil'>, ctx: WriteContext, data: JsonObject): Promise<Outcome<App, 'not_found'>> {
  if (!(await getApp(db, id))) return fail('not_found', `no app \`${id}\``);
  const [rows] = (await writeWithAudit(db, [{ ...ctx, type: `app.${state.status === 'ok' ? 'release' : 'quarantine'}`, subject: id, data }], () => [
    db.update(apps).set(state).where(eq(apps.id, id)).returning(),
  ])) as App[][];
  const row = rows?.[0];
  return row ? ok(row) : fail('not_found', `no app \`${id}\``);
}

export async function deleteApp(db: Db, id: string, ctx: WriteContext): Promise<Outcome<{ id: string }, 'not_found'>> {
  if (!(await getApp(db, id))) return fail('not_found', `no app \`${id}\``);
  await writeWithAudit(db, [{ ...ctx, type: 'app.delete', subject: id }], () => [db.delete(apps).where(eq(apps.id, id))]);
  return ok({ id });
}
