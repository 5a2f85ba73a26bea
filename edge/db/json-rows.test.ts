import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonRowChunks } from './json-rows.ts';

const row = fc.oneof(
  fc.array(fc.oneof(fc.string({ maxLength: 200 }), fc.integer(), fc.constant(null)), { maxLength: 8 }),
  fc.record({ id: fc.string({ maxLength: 30 }), text: fc.string({ maxLength: 2000 }), n: fc.option(fc.integer(), { nil: undefined }) }),
);

describe('jsonRowChunks', () => {
  it('gives every row back, in order, in chunks under the limit (a larger row alone)', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 400 }), fc.integer({ min: 50, max: 5000 }), (rows, maxBytes) => {
        const chunks = jsonRowChunks(rows, maxBytes);
        const back = chunks.flatMap((chunk) => JSON.parse(chunk) as unknown[]);
        expect(back).toEqual(JSON.parse(JSON.stringify(rows)));
        for (const chunk of chunks) {
          const inside = JSON.parse(chunk) as unknown[];
          expect(inside.length).toBeGreaterThan(0);
          if (inside.length > 1) expect(chunk.length).toBeLessThanOrEqual(maxBytes);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('fills chunks: 10,000 rows of about 100 characters in 2 kB chunks take few more chunks than the bytes need', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ id: `a${i}`, text: 'x'.repeat(80 + (i % 40)) }));
    const chunks = jsonRowChunks(rows, 2000);
    const total = chunks.reduce((n, c) => n + c.length, 0);
    expect(chunks.length).toBeLessThan(Math.ceil(total / 2000) * 1.15);
    expect(chunks.every((c) => c.length <= 2000)).toBe(true);
  });

  it('no rows, no chunks', () => {
    expect(jsonRowChunks([])).toEqual([]);
  });
});
