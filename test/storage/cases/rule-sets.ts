import { describe, expect, it } from 'vitest';
import { activateRuleSet, getActiveRuleSet, getRuleSet, pageRuleSets, saveRuleSet } from '../../../edge/db/repos/rule-sets.ts';
import type { MakeDb } from '../context.ts';
import { at, freshDb } from '../context.ts';

const files = (n: number) => [{ path: 'rules/apps.yaml', text: `kind: app\nid: app${n}\nconnector: manual\n` }];

export function ruleSetCases(makeDb: MakeDb): void {
  describe('rule-set versions', () => {
    it('keeps every version once, and exactly one active', async () => {
      const db = await freshDb(makeDb);
      expect(await getActiveRuleSet(db)).toBeUndefined();
      const first = await saveRuleSet(db, { version: 'v1', files: files(1), source: 'rules/' }, at(), { activate: true });
      expect(first).toMatchObject({ created: true, version: { version: 'v1', active: true, files: files(1) } });
      const again = await saveRuleSet(db, { version: 'v1', files: files(1), source: 'upload' }, at(5), { activate: true });
      expect(again).toMatchObject({ created: false, version: { source: 'rules/', createdAt: at().at } });
      await saveRuleSet(db, { version: 'v2', files: files(2), source: 'upload' }, at(1));
      expect((await getActiveRuleSet(db))?.version).toBe('v1');
      await saveRuleSet(db, { version: 'v3', files: files(3), source: 'upload' }, at(2), { activate: true });
      expect((await getActiveRuleSet(db))?.version).toBe('v3');
      expect(await activateRuleSet(db, 'v2', at(3))).toMatchObject({ ok: true, value: { version: 'v2', active: true } });
      expect(await activateRuleSet(db, 'v9', at(3))).toMatchObject({ ok: false, code: 'not_found' });
      expect(await pageRuleSets(db)).toMatchObject({ ok: true, value: { items: [{ version: 'v3', active: false }, { version: 'v2', active: true }, { version: 'v1', active: false }] } });
      expect((await getRuleSet(db, 'v3'))?.files).toEqual(files(3));
    });
  });
}
