import { describe, expect, it } from 'vitest';
import { lifecycleOutcome } from './lifecycle.ts';

describe('lifecycleOutcome', () => {
  it('says done only when the change was applied, and that a held one waits with the user unchanged', () => {
    expect(lifecycleOutcome('suspend', { run: { id: 'r1', status: 'planned', heldReasons: [] }, actions: [{}, {}], applied: true })).toBe('suspend: done, 2 actions planned');
    const held = lifecycleOutcome('delete', { run: { id: 'r2', status: 'held', heldReasons: ['`slack`: 6 deactivations exceed the limit of 5'] }, actions: [{}], applied: false });
    expect(held).toBe('delete: waiting for approval (held run r2: `slack`: 6 deactivations exceed the limit of 5); the user stays as they are until it is approved, and 1 action waits with it');
    expect(held).not.toContain('done');
  });
});
