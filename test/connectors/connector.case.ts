// The suite every connector passes, each against its real peer: an effect is applied once and a
// repeated delivery of the same action reports `already` without a second effect; lifecycle
// actions the connector supports change what the peer holds; what it cannot do fails without
// `retryable` (a retry could never succeed).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Action, ActionType } from '../../engine/types.ts';
import type { Connector } from '../../edge/connectors/types.ts';
import { action } from './helpers.ts';

export interface PeerAccount {
  active: boolean;
  attributes: Record<string, unknown>;
}

export interface Peer {
  connector: Connector;
  /** The peer's view of the user's account (manual apps: the task), undefined when it has none. */
  account(userId: string): Promise<PeerAccount | undefined>;
  /** How many accounts (or tasks) the peer holds. */
  count(): Promise<number>;
  /** The action that creates `userId`'s account through this connector. */
  create(userId: string): Action;
  close(): Promise<void>;
}

export interface Harness {
  start(): Promise<Peer>;
  /** Lifecycle actions the connector carries out itself (manual apps: none). */
  lifecycle: boolean;
  unsupported: ActionType;
}

export function connectorCases(name: string, harness: Harness): void {
  describe(`${name}: the shared connector suite`, () => {
    let peer: Peer;
    beforeEach(async () => {
      peer = await harness.start();
    });
    afterEach(async () => {
      await peer.close();
    });

    it('applies a create once; delivering the same action again finds it and reports already', async () => {
      const create = peer.create('u-ann');
      const first = await peer.connector.apply({ action: create });
      expect(first).toMatchObject({ ok: true, effect: 'applied' });
      const again = await peer.connector.apply({ action: create });
      expect(again).toMatchObject({ ok: true });
      if (harness.lifecycle) expect(again).toMatchObject({ effect: 'already' });
      expect(await peer.count()).toBe(1);
      expect(await peer.account('u-ann')).toBeDefined();
    });

    it.runIf(harness.lifecycle)('deactivates, reactivates, updates and deletes the account, each repeatable', async () => {
      const created = await peer.connector.apply({ action: peer.create('u-bo') });
      expect(created.ok).toBe(true);
      const link = created.ok && created.account && 'externalId' in created.account ? { externalId: created.account.externalId ?? null, attributes: {} } : undefined;
      const run = (type: ActionType, extra: Partial<Action> = {}) => peer.connector.apply({ action: action(type, { userId: 'u-bo', appId: 'app', ...extra }), ...(link ? { link } : {}) });

      expect(await run('account.deactivate')).toMatchObject({ ok: true, effect: 'applied' });
      expect((await peer.account('u-bo'))?.active).toBe(false);
      expect(await run('account.deactivate')).toMatchObject({ ok: true });
      expect(await run('account.reactivate')).toMatchObject({ ok: true, effect: 'applied' });
      expect((await peer.account('u-bo'))?.active).toBe(true);

      expect(await run('account.update', { changes: { displayName: { from: 'Bo', to: 'Bo Diddley' } } })).toMatchObject({ ok: true, effect: 'applied' });
      expect((await peer.account('u-bo'))?.attributes.displayName).toBe('Bo Diddley');

      expect(await run('account.delete')).toMatchObject({ ok: true, effect: 'applied' });
      expect(await peer.account('u-bo')).toBeUndefined();
      expect(await run('account.delete')).toMatchObject({ ok: true, effect: 'already' });
      expect(await peer.count()).toBe(0);
    });

    it('refuses what it cannot do, without retrying', async () => {
      const result = await peer.connector.apply({ action: action(harness.unsupported, { userId: 'u-cy', appId: 'app', groupId: 'g' }) });
      expect(result).toMatchObject({ ok: false, retryable: false });
    });
  });
}
