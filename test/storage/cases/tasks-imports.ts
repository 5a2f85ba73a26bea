import { describe, expect, it } from 'vitest';
import { finishImportRun, getImportRun, listImportRuns, startImportRun, updateImportProgress } from '../../../edge/db/repos/import-runs.ts';
import { getIdentity } from '../../../edge/db/repos/identities.ts';
import { runImport } from '../../../edge/import/run.ts';
import { completeManualTask, createManualTask, listManualTasks } from '../../../edge/db/repos/manual-tasks.ts';
import type { MakeDb } from '../context.ts';
import { at, freshDb } from '../context.ts';

export function taskImportCases(makeDb: MakeDb): void {
  describe('manual tasks', () => {
    it('creates one task per action, completes it once, and lists open ones', async () => {
      const db = await freshDb(makeDb);
      const input = { id: 't1', actionId: 'a1', appId: 'badge', userId: 'u1', description: 'issue a badge for u1', owners: ['facilities@acme.test'] };
      expect(await createManualTask(db, input, at())).toMatchObject({ created: true, task: { status: 'open' } });
      expect(await createManualTask(db, { ...input, id: 't1-again' }, at(1))).toMatchObject({ created: false, task: { id: 't1' } });
      await createManualTask(db, { ...input, id: 't2', actionId: 'a2', appId: 'desk' }, at(2));
      expect(await completeManualTask(db, 't1', at(3, 'carol'))).toMatchObject({ ok: true, value: { status: 'done', doneBy: 'carol', doneAt: at(3).at } });
      expect(await completeManualTask(db, 't1', at(4))).toMatchObject({ ok: false, code: 'already_done' });
      expect(await completeManualTask(db, 'nope', at(4))).toMatchObject({ ok: false, code: 'not_found' });
      expect((await listManualTasks(db, { status: 'open' })).map((t) => t.id)).toEqual(['t2']);
      expect((await listManualTasks(db, { appId: 'badge' })).map((t) => t.id)).toEqual(['t1']);
    });
  });

  describe('import runs', () => {
    it('tracks progress and the outcome with per-record errors', async () => {
      const db = await freshDb(makeDb);
      await startImportRun(db, { id: 'i1', source: 'workday', fileName: 'workers.csv', total: 3 }, at());
      await updateImportProgress(db, 'i1', { created: 1 });
      expect(await getImportRun(db, 'i1')).toMatchObject({ status: 'running', created: 1, total: 3 });
      const done = await finishImportRun(db, 'i1', { status: 'done', created: 2, updated: 0, failed: 1, errors: [{ line: 3, message: 'missing `email`' }] }, at(1));
      expect(done).toMatchObject({ ok: true, value: { status: 'done', failed: 1, errors: [{ line: 3, message: 'missing `email`' }], finishedAt: at(1).at } });
      expect(await finishImportRun(db, 'nope', { status: 'failed' }, at(1))).toMatchObject({ ok: false, code: 'not_found' });
      await startImportRun(db, { id: 'i2', source: 'workday' }, at(2));
      expect((await listImportRuns(db)).map((r) => r.id)).toEqual(['i2', 'i1']);
    });

    it('writes an HR file in one batch of JSON rows, and a second file updates only what changed', async () => {
      const db = await freshDb(makeDb);
      const header = 'id,firstName,lastName,email,department,level\n';
      const first = await runImport(db, { runId: 'h1', fileName: 'w.csv', text: `${header}e1,Ada,Lovelace,ada@x.io,Engineering,5\ne2,Bob,Smith,bob@x.io,Sales,3\n` }, at());
      expect(first.errors).toEqual([]);
      expect(first.run).toMatchObject({ status: 'done', created: 2 });
      const ada = await getIdentity(db, 'e1');
      expect(ada).toMatchObject({ email: 'ada@x.io', status: 'ACTIVE', version: 1, profile: { department: 'Engineering', email: 'ada@x.io' } });
      expect(ada?.sources).toMatchObject({ department: { hr: 'Engineering' } });
      const second = await runImport(db, { runId: 'h2', fileName: 'w.csv', text: `${header}e1,Ada,Lovelace,ada@x.io,Research,5\ne2,Bob,Smith,bob@x.io,Sales,3\n` }, at(1));
      expect(second).toMatchObject({ written: ['e1'], unchanged: 1, run: { status: 'done', updated: 1 } });
      expect(await getIdentity(db, 'e1')).toMatchObject({ version: 2, profile: { department: 'Research' }, updatedAt: at(1).at });
      expect(await getIdentity(db, 'e2')).toMatchObject({ version: 1 });
    });
  });
}
