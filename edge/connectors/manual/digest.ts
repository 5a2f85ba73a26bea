// The daily digest of open manual tasks: one email per manual app to its owners, listing what
// is still to do. Sent at most once per UTC day per app; the audit log remembers the last one,
// so a restart does not send it twice.
import { and, desc, eq } from 'drizzle-orm';
import { appendAudit } from '../../audit/chain.ts';
import type { Db } from '../../db/index.ts';
import { listApps } from '../../db/repos/apps.ts';
import { listManualTasks } from '../../db/repos/manual-tasks.ts';
import { auditEvents } from '../../db/schema.ts';
import { checkConfig } from '../registry.ts';
import { openSecrets } from '../secrets.ts';
import type { Mailer } from '../types.ts';
import { manualConfigSchema } from './config.ts';
import { digestMessage } from './mail.ts';

export interface DigestDeps {
  db: Db;
  mailer: Mailer;
  /** Opens the sealed SMTP password (connectors/secrets.ts). */
  sealKey: CryptoKey;
  now(): string;
  owners?: (appId: string) => string[] | undefined;
}

export interface DigestReport {
  sent: { appId: string; tasks: number; to: string[] }[];
  skipped: { appId: string; reason: string }[];
}

export async function sendTaskDigests(deps: DigestDeps, options: { force?: boolean } = {}): Promise<DigestReport> {
  const report: DigestReport = { sent: [], skipped: [] };
  const now = deps.now();
  const today = now.slice(0, 10);
  for (const app of await listApps(deps.db)) {
    if (app.connector !== 'manual') continue;
    const opened = await openSecrets(deps.sealKey, app.id, app.config);
    const checked = opened.ok ? checkConfig(manualConfigSchema, opened.config) : { ok: false as const, errors: [opened.error] };
    if (!checked.ok || !checked.value.smtp) {
      report.skipped.push({ appId: app.id, reason: checked.ok ? 'no smtp configured' : checked.errors.join('; ') });
      continue;
    }
    const open = await listManualTasks(deps.db, { status: 'open', appId: app.id });
    if (open.length === 0) continue;
    if (!options.force && (await lastDigest(deps.db, app.id))?.startsWith(today)) {
      report.skipped.push({ appId: app.id, reason: `already sent on ${today}` });
      continue;
    }
    const to = checked.value.owners ?? deps.owners?.(app.id) ?? [...new Set(open.flatMap((t) => t.owners))];
    await deps.mailer(checked.value.smtp, digestMessage(open, { id: app.id, name: app.name }, to, checked.value.smtp.from, checked.value.consoleUrl));
    await appendAudit(deps.db, { at: now, actor: 'dispatcher', type: 'task.digest', subject: app.id, data: { tasks: open.length, to } });
    report.sent.push({ appId: app.id, tasks: open.length, to });
  }
  return report;
}

async function lastDigest(db: Db, appId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ at: auditEvents.at })
    .from(auditEvents)
    .where(and(eq(auditEvents.type, 'task.digest'), eq(auditEvents.subject, appId)))
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  return row?.at;
}
