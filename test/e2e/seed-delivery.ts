// What the app-delivery suite adds to the e2e server: AWS connected to the suite's SCIM peer,
// delivery to it paused after an outage, and what the outage left: of the actions the seed's
// reconcile queued for AWS, three failed on every try (dead letters), written as the dispatcher
// writes them; the others still wait.
import type { WriteContext } from '../../edge/db/index.ts';
import { quarantineApp, saveApp } from '../../edge/db/repos/apps.ts';
import { claimActions, dueActions, failAction } from '../../edge/db/repos/outbox.ts';
import type { Runtime } from '../../edge/runtime.ts';

export const DELIVERY_APP = 'aws';
/** The bearer token the suite's SCIM peer expects. */
export const PEER_TOKEN = 'scim-test-token';

// The last errors of the dead letters; the second has a long unbroken token, as apps answer.
export const DEAD_ERRORS = [
  'POST /scim/v2/Users failed: HTTP 503 Service Unavailable (the app is down for maintenance)',
  'POST /scim/v2/Users failed: HTTP 400 {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","scimType":"invalidValue","detail":"costCenter is not a known cost centre"}',
  'POST /scim/v2/Users failed: HTTP 503 Service Unavailable (the app is down for maintenance)',
];
const TRIES = 3;

export async function seedDelivery(runtime: Runtime, baseUrl: string, ctx: WriteContext): Promise<void> {
  const { db } = runtime;
  await saveApp(db, { id: DELIVERY_APP, name: 'AWS IAM Identity Center', connector: 'scim', config: { baseUrl, auth: { type: 'bearer', token: PEER_TOKEN }, match: [{ user: 'email', app: 'email' }], autoConfirm: true } }, ctx);
  const due = await dueActions(db, runtime.now(), { appId: DELIVERY_APP, limit: DEAD_ERRORS.length });
  if (due.length !== DEAD_ERRORS.length) throw new Error(`seeding dead letters failed: ${due.length} actions wait for \`${DELIVERY_APP}\``);
  for (const [i, error] of DEAD_ERRORS.entries()) {
    const id = due[i]?.id as string;
    for (let attempt = 1; attempt <= TRIES; attempt++) {
      const at = runtime.now();
      if ((await claimActions(db, [id], at)).length !== 1) throw new Error(`seeding a dead letter failed: \`${id}\` was not due`);
      const failed = await failAction(db, id, attempt < TRIES ? { error, retryAt: at } : { error }, { at, actor: 'dispatcher' });
      if (!failed.ok) throw new Error(failed.message);
    }
  }
  const until = new Date(Date.parse(runtime.now()) + 3_600_000).toISOString();
  const paused = await quarantineApp(db, DELIVERY_APP, until, 'every delivery failed for 15 minutes (HTTP 503)', { at: runtime.now(), actor: 'dispatcher' });
  if (!paused.ok) throw new Error(paused.message);
}
