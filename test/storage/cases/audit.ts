import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { appendAudit, auditHash, chainAudit, prepareAudit, readAuditHead, writeWithAudit } from '../../../edge/audit/chain.ts';
import { verifyAudit } from '../../../edge/audit/verify.ts';
import type { Db } from '../../../edge/db/index.ts';
import { runBatch } from '../../../edge/db/index.ts';
import { auditEvents } from '../../../edge/db/schema.ts';
import type { MakeDb } from '../context.ts';
import { at, freshDb } from '../context.ts';

async function fiveEvents(makeDb: MakeDb): Promise<Db> {
  const db = await freshDb(makeDb);
  for (let i = 1; i <= 5; i++) await appendAudit(db, { ...at(i), type: 'test.event', subject: `s${i}`, data: { n: i } });
  return db;
}

export function auditCases(makeDb: MakeDb): void {
  describe('audit chain', () => {
    it('verifies an untouched chain and reports its head', async () => {
      const db = await fiveEvents(makeDb);
      const verdict = await verifyAudit(db);
      expect(verdict).toMatchObject({ ok: true, rows: 5, head: { seq: 5 } });
      expect(verdict.ok && verdict.head).toEqual(await readAuditHead(db));
    });

    it('finds an edited row', async () => {
      const db = await fiveEvents(makeDb);
      await db.run(sql`UPDATE audit_events SET data = '{"n":33}' WHERE seq = 3`);
      expect(await verifyAudit(db)).toMatchObject({ ok: false, rows: 2, problem: { seq: 3, kind: 'edited' } });
    });

    it('finds an edited row whose hash was recomputed, at the row after it', async () => {
      const db = await fiveEvents(makeDb);
      const [row] = await db.select().from(auditEvents).where(sql`seq = 3`);
      if (!row) throw new Error('no row 3');
      const forged = { ...row, data: { n: 33 } };
      await db.run(sql`UPDATE audit_events SET data = '{"n":33}', hash = ${auditHash(forged)} WHERE seq = 3`);
      expect(await verifyAudit(db)).toMatchObject({ ok: false, problem: { seq: 4, kind: 'relinked' } });
    });

    it('finds a deleted row', async () => {
      const db = await fiveEvents(makeDb);
      await db.run(sql`DELETE FROM audit_events WHERE seq = 2`);
      expect(await verifyAudit(db)).toMatchObject({ ok: false, rows: 1, problem: { seq: 2, kind: 'deleted' } });
    });

    it('finds a row inserted in the middle', async () => {
      const db = await fiveEvents(makeDb);
      // Make room at seq 3 and insert a self-consistent forged row there.
      await db.run(sql`UPDATE audit_events SET seq = seq + 100 WHERE seq >= 3`);
      await db.run(sql`UPDATE audit_events SET seq = seq - 99 WHERE seq >= 100`);
      const [forged] = chainAudit({ seq: 2, hash: 'f'.repeat(64) }, [{ ...at(9), type: 'test.event', subject: 'forged' }]).rows;
      if (!forged) throw new Error('no forged row');
      await db.insert(auditEvents).values(forged);
      expect(await verifyAudit(db)).toMatchObject({ ok: false, rows: 2, problem: { seq: 3, kind: 'inserted' } });
    });

    it('finds rows removed from the end when given an earlier head as anchor', async () => {
      const db = await fiveEvents(makeDb);
      const anchor = await readAuditHead(db);
      await db.run(sql`DELETE FROM audit_events WHERE seq >= 4`);
      expect(await verifyAudit(db)).toMatchObject({ ok: true, rows: 3 });
      expect(await verifyAudit(db, { anchor })).toMatchObject({ ok: false, problem: { seq: 4, kind: 'truncated' } });
    });

    it('a writer that read a stale head fails as a whole, change included', async () => {
      const db = await fiveEvents(makeDb);
      const stale = await prepareAudit(db, [{ ...at(20), type: 'late' }]);
      await appendAudit(db, { ...at(21), type: 'first' });
      const change = db.run(sql`CREATE TABLE written_by_late_writer (a text)`);
      await expect(runBatch(db, [change, ...stale.statements])).rejects.toThrow();
      expect(await db.all(sql`SELECT name FROM sqlite_master WHERE name = 'written_by_late_writer'`)).toEqual([]);
      expect(await verifyAudit(db)).toMatchObject({ ok: true, rows: 6 });
    });

    it('two writers that read the same head both land, in one unbroken chain', async () => {
      const db = await fiveEvents(makeDb);
      // Distinct handles over one connection do not share the in-process queue: like two
      // processes, they race for the head and the losers retry.
      const handles = [db, Object.create(db) as Db, Object.create(db) as Db];
      await Promise.all(Array.from({ length: 12 }, (_, i) => appendAudit(handles[i % 3] as Db, { ...at(10 + i), type: 'race', data: { i } })));
      expect(await verifyAudit(db)).toMatchObject({ ok: true, rows: 17 });
      const types = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM audit_events WHERE type = 'race'`);
      expect(Number(types[0]?.n)).toBe(12);
    });

    it('a change and its audit row commit together or not at all', async () => {
      const db = await freshDb(makeDb);
      const bad = () => [db.run(sql`INSERT INTO no_such_table VALUES (1)`)];
      await expect(writeWithAudit(db, [{ ...at(), type: 'x' }], bad)).rejects.toThrow();
      expect(await verifyAudit(db)).toMatchObject({ ok: true, rows: 0 });
    });
  });
}
