// A one-line progress bar redrawn with `\r` on a terminal: phase, bar, count. Redraws at most
// every 50 ms so a fast import is not slowed by its own display.
import type { ImportProgress } from '../../import/run.ts';

const WIDTH = 30;
const LABELS: Record<ImportProgress['phase'], string> = { validate: 'checking', read: 'reading', write: 'writing', plan: 'planning' };

export function progressBar(stream: { write(text: string): unknown; columns?: number }): { update(p: ImportProgress): void; done(): void } {
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      const now = performance.now();
      if (now - last < 50 && p.done < p.total) return;
      last = now;
      const ratio = p.total === 0 ? 1 : Math.min(1, p.done / p.total);
      const filled = Math.round(ratio * WIDTH);
      stream.write(`\r${LABELS[p.phase].padEnd(9)} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}% ${p.done}/${p.total}\x1b[K`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
