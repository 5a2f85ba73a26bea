// Apps stored before their secrets were sealed (connectors/secrets.ts) are sealed at start
// (Node) and by the cron (Workers): a database copied or backed up after that holds no secret
// an app's connector uses in the clear.
import type { WriteContext } from '../db/index.ts';
import { listApps, saveApp } from '../db/repos/apps.ts';
import { hasPlainSecret, sealSecrets } from '../connectors/secrets.ts';
import type { Runtime } from '../runtime.ts';

/** Seals every stored app's secrets that are not sealed yet; the ids of the apps it changed. */
export async function sealStoredSecrets(runtime: Runtime, ctx: WriteContext): Promise<string[]> {
  const changed: string[] = [];
  for (const app of await listApps(runtime.db)) {
    if (!(await hasPlainSecret(app.config))) continue;
    const config = await sealSecrets(runtime.sealKey, app.id, app.config);
    await saveApp(runtime.db, { id: app.id, name: app.name, connector: app.connector, config }, ctx);
    changed.push(app.id);
  }
  return changed;
}
