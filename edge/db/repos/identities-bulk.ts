// Bulk upsert for imports: every row of an import in ONE batch (a failed import leaves nothing
// half-written), multi-row statements sized to the driver's parameter limit. Rows whose
// stored values are identical are left alone: their version does not move.
import { sql } from 'drizzle-orm';
import { writeWithAudit } from '../../audit/chain.ts';
import type { AuditEvent } from '../../audit/chain.ts';
import type { Db, Statement, WriteContext } from '../index.ts';
import { chunkRows, paramLimit } from '../index.ts';
import { identities } from '../schema.ts';
import type { Identity, IdentityInput } from './identities.ts';
import { newIdentityRow } from './identities.ts';

export interface UpsertResult {
  /** Ids inserted or changed (version bumped), in input order. */
  written: string[];
}

const COLUMNS = 12;
/** Ids per audit event: one event per slice of the import, not per row. */
const AUDIT_SLICE = 1000;

/**
 * Inserts or replaces identities by id. Login, email, status, profile and sources are set
 * from the input; password fields and createdAt of existing rows are kept. Last writer wins:
 * imports are the source of truth and carry no expected versions.
 */
export async function upsertIdentities(db: Db, inputs: readonly IdentityInput[], ctx: WriteContext, source = 'import'): Promise<UpsertResult> {
  if (inputs.length === 0) return { written: [] };
  const rows = inputs.map((input) => newIdentityRow(input, ctx.at));
  const events: AuditEvent[] = [];
  for (let i = 0; i < rows.length; i += AUDIT_SLICE) {
    events.push({ ...ctx, type: 'identity.upsert', subject: source, data: { ids: rows.slice(i, i + AUDIT_SLICE).map((r) => r.id) } });
  }
  const results = await writeWithAudit(db, events, () => statements(db, rows));
  const written = new Set((results as { id: string }[][]).flat().map((r) => r.id));
  return { written: rows.map((r) => r.id).filter((id) => written.has(id)) };
}

function statements(db: Db, rows: Identity[]): Statement[] {
  const excluded = (column: string) => sql.raw(`excluded.${column}`);
  return chunkRows(rows, COLUMNS, paramLimit(db)).map((chunk) =>
    db
      .insert(identities)
      .values(chunk)
      .onConflictDoUpdate({
        target: identities.id,
        set: {
          login: excluded('login'),
          email: excluded('email'),
          status: excluded('status'),
          profile: excluded('profile'),
          sources: excluded('sources'),
          version: sql`${identities.version} + 1`,
          updatedAt: excluded('updated_at'),
        },
        setWhere: sql`${identities.login} IS NOT excluded.login OR ${identities.email} IS NOT excluded.email OR ${identities.status} IS NOT excluded.status OR ${identities.profile} IS NOT excluded.profile OR ${identities.sources} IS NOT excluded.sources`,
      })
      .returning({ id: identities.id }),
  );
}
