// Zod compiles object parsers with `new Function` when it may, and probes for that first. The
// server's Content-Security-Policy has no 'unsafe-eval', so the probe would be refused and
// reported as a violation (and zod would parse without compiling anyway). Imported first by
// each entry: the page (main.ts) and the simulation worker, each a realm of its own.
import { z } from 'zod';

z.config({ jitless: true });
