// Manual apps against a real SMTP server (smtp-server + mailparser): each task.manual becomes
// one stored task and an email to the app's owners naming the user and what to do; open tasks
// go out again as a daily digest, once a day.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualConnector } from '../../edge/connectors/manual/index.ts';
import { sendTaskDigests } from '../../edge/connectors/manual/digest.ts';
import { nodemailerMailer } from '../../edge/connectors/manual/nodemailer.ts';
import { generateSealKey } from '../../edge/services/passwords.ts';
import type { Db } from '../../edge/db/index.ts';
import { saveApp } from '../../edge/db/repos/apps.ts';
import { completeManualTask, listManualTasks } from '../../edge/db/repos/manual-tasks.ts';
import { connectorCases } from './connector.case.ts';
import { action, deps, memoryDb } from './helpers.ts';
import type { SmtpPeer } from './peers/smtp.ts';
import { startSmtp } from './peers/smtp.ts';

const task = (userId: string, text = `create the \`Badges\` account of \`${userId}\``) =>
  action('task.manual', { userId, appId: 'badges', attributes: { task: text, operation: 'account.create', owners: ['facilities@example.com'] } });

connectorCases('manual', {
  lifecycle: false,
  unsupported: 'account.create',
  async start() {
    const db = await memoryDb();
    const smtp = await startSmtp();
    const connector = manualConnector.create({ smtp: { host: '127.0.0.1', port: smtp.port, from: 'Roster <roster@example.com>' } }, deps(db, 'badges', { mailer: nodemailerMailer }));
    return {
      connector,
      create: (userId) => task(userId),
      account: async (userId) => {
        const found = (await listManualTasks(db)).find((t) => t.userId === userId);
        return found ? { active: found.status === 'open', attributes: { description: found.description } } : undefined;
      },
      count: async () => (await listManualTasks(db)).length,
      close: () => smtp.close(),
    };
  },
});

describe('manual apps over smtp', () => {
  let db: Db;
  let smtp: SmtpPeer;
  beforeAll(async () => {
    db = await memoryDb();
    smtp = await startSmtp();
  });
  afterAll(() => smtp.close());

  it('emails the owners naming the user and what to do, and sends open tasks again as a daily digest', async () => {
    const smtpConfig = { host: '127.0.0.1', port: smtp.port, from: 'Roster <roster@example.com>' };
    await saveApp(db, { id: 'badges', name: 'Door badges', connector: 'manual', config: { smtp: smtpConfig } }, { at: '2025-01-01T09:00:00.000Z', actor: 'test' });
    const connector = manualConnector.create({ smtp: smtpConfig }, deps(db, 'badges', { appName: 'Door badges', owners: ['facilities@example.com', 'it@example.com'], mailer: nodemailerMailer }));
    const first = await connector.apply({ action: task('ann', 'create the `Door badges` account of `ann`') });
    expect(first).toMatchObject({ ok: true, effect: 'applied' });
    await connector.apply({ action: task('bo', 'deactivate the `Door badges` account of `bo`') });

    expect(smtp.messages).toHaveLength(2);
    const mail = smtp.messages[0];
    expect(mail?.subject).toBe('[Roster] Door badges: create the `Door badges` account of `ann`');
    expect((mail?.to && !Array.isArray(mail.to) ? mail.to.value : []).map((a) => a.address)).toEqual(['facilities@example.com', 'it@example.com']);
    expect(mail?.text).toContain('User: ann');
    const tasks = await listManualTasks(db, { status: 'open' });
    expect(mail?.text).toContain(`POST /v1/tasks/${tasks[0]?.id}/done`);

    await completeManualTask(db, tasks[0]?.id as string, { at: '2025-01-01T10:00:00.000Z', actor: 'admin' });
    const digest = await sendTaskDigests({ db, mailer: nodemailerMailer, sealKey: await generateSealKey(), now: () => '2025-01-02T08:00:00.000Z' });
    expect(digest.sent).toEqual([{ appId: 'badges', tasks: 1, to: ['facilities@example.com', 'it@example.com'] }]);
    const last = smtp.messages[2];
    expect(last?.subject).toBe('[Roster] Door badges: 1 open task');
    expect(last?.text).toContain('deactivate the `Door badges` account of `bo` (user bo');
    expect(last?.text).not.toContain('`ann`');
    // Once a day: the same day again sends nothing.
    expect((await sendTaskDigests({ db, mailer: nodemailerMailer, sealKey: await generateSealKey(), now: () => '2025-01-02T18:00:00.000Z' })).sent).toEqual([]);
    expect(smtp.messages).toHaveLength(3);
  });

  it('without smtp the task is stored and listed, not emailed; an unreachable smtp server is retried', async () => {
    const quiet = manualConnector.create({}, deps(db, 'badges', { owners: ['a@example.com'] }));
    expect(await quiet.apply({ action: task('cy') })).toMatchObject({ ok: true, note: 'task stored; no smtp configured, so no email' });
    const down = manualConnector.create({ smtp: { host: '127.0.0.1', port: 9, from: 'r@example.com' } }, deps(db, 'badges', { owners: ['a@example.com'], mailer: nodemailerMailer }));
    expect(await down.apply({ action: task('dee') })).toMatchObject({ ok: false, retryable: true });
  });

  it('a done task whose action is queued again (a rehire after a removal) is opened again and emailed, still one task', async () => {
    const smtpConfig = { host: '127.0.0.1', port: smtp.port, from: 'Roster <roster@example.com>' };
    const connector = manualConnector.create({ smtp: smtpConfig }, deps(db, 'badges', { owners: ['facilities@example.com'], mailer: nodemailerMailer }));
    const rehire = task('eve');
    expect(await connector.apply({ action: rehire })).toMatchObject({ ok: true, note: 'task created and emailed' });
    const [first] = (await listManualTasks(db)).filter((t) => t.userId === 'eve');
    expect((await completeManualTask(db, first?.id as string, { at: '2025-02-01T10:00:00.000Z', actor: 'admin' })).ok).toBe(true);
    const sent = smtp.messages.length;
    // Once done, the same action queued again is a new need; redelivered while open, it stays one task.
    expect(await connector.apply({ action: rehire })).toMatchObject({ ok: true, note: 'task created and emailed' });
    const again = (await listManualTasks(db)).filter((t) => t.userId === 'eve');
    expect(again).toEqual([expect.objectContaining({ id: first?.id, status: 'open', doneAt: null, doneBy: null })]);
    expect(smtp.messages).toHaveLength(sent + 1);
    expect(await connector.apply({ action: rehire })).toMatchObject({ ok: true, note: 'task emailed again' });
    expect((await listManualTasks(db)).filter((t) => t.userId === 'eve')).toHaveLength(1);
  });

  it('a retry or a redelivery after a crash that meets its task already done leaves it done, and emails nobody', async () => {
    const smtpConfig = { host: '127.0.0.1', port: smtp.port, from: 'Roster <roster@example.com>' };
    const connector = manualConnector.create({ smtp: smtpConfig }, deps(db, 'badges', { owners: ['facilities@example.com'], mailer: nodemailerMailer }));
    const hire = task('fay');
    expect(await connector.apply({ action: hire, attempt: 1 })).toMatchObject({ ok: true, note: 'task created and emailed' });
    const [created] = (await listManualTasks(db)).filter((t) => t.userId === 'fay');
    await completeManualTask(db, created?.id as string, { at: '2025-03-01T10:00:00.000Z', actor: 'admin' });
    const sent = smtp.messages.length;
    expect(await connector.apply({ action: hire, attempt: 2 })).toMatchObject({ ok: true, effect: 'already' });
    expect((await listManualTasks(db)).filter((t) => t.userId === 'fay')).toEqual([expect.objectContaining({ status: 'done', doneBy: 'admin' })]);
    expect(smtp.messages).toHaveLength(sent);
  });
});
