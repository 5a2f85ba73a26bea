// One action against the directory, by type (a registry, not a branch per type). Every handler
// reads before it writes, so a re-delivered action finds its effect and answers `already`.
import type { ActionType } from '../../engine/types.ts';
import type { ApplyResult } from '../connectors/types.ts';
import { already, applied } from '../connectors/types.ts';
import type { Directory } from './directory.ts';
import { ldapFailure, ldapRefusal } from './errors.ts';
import { changeMembership, createGroup } from './groups.ts';
import { adPasswordChanges, encryptedConnection, sshaPassword } from './passwords.ts';
import { createUser, deleteUser, findUser, setEnabled, updateUser } from './users.ts';
import type { AgentWork } from './wire.ts';
import { Attribute, Change } from 'ldapts';

type Handler = (dir: Directory, work: AgentWork) => Promise<ApplyResult>;

async function setPassword(dir: Directory, work: AgentWork): Promise<ApplyResult> {
  if (work.password === undefined) return ldapRefusal('password.set: the edge sent no password');
  const { directory } = dir.config;
  const ad = directory.flavour === 'ad';
  if (ad && !encryptedConnection(directory.url, directory.tls.startTLS)) return ldapRefusal('password.set: active directory takes `unicodePwd` only over ldaps:// or starttls', 53);
  const entry = await findUser(dir, work.link, {});
  if (entry !== undefined && 'ok' in entry) return entry as ApplyResult;
  if (!entry) return { ok: false, error: 'password.set: the user has no entry in the directory yet', retryable: true };
  const changes = ad ? adPasswordChanges(work.password) : [new Change({ operation: 'replace', modification: new Attribute({ type: 'userPassword', values: [sshaPassword(work.password)] }) })];
  try {
    await dir.use((c) => c.modify(entry.dn, changes));
    return applied(undefined, 'password set');
  } catch (error) {
    return ldapFailure(error, `set password of \`${entry.dn}\``);
  }
}

export const handlers: Partial<Record<ActionType, Handler>> = {
  'account.create': (dir, w) => createUser(dir, w.action.attributes ?? {}, w.link),
  'account.update': (dir, w) => updateUser(dir, w.action.changes ?? {}, w.link),
  'account.suspend': (dir, w) => setEnabled(dir, false, 'suspended', w.link),
  'account.deactivate': (dir, w) => setEnabled(dir, false, 'deactivated', w.link),
  'account.reactivate': (dir, w) => setEnabled(dir, true, 'active', w.link),
  'account.delete': (dir, w) => deleteUser(dir, w.link),
  'membership.add': (dir, w) => changeMembership(dir, w.action, w.link, true),
  'membership.remove': (dir, w) => changeMembership(dir, w.action, w.link, false),
  'group.create': (dir, w) => createGroup(dir, w.action),
  'group.update': async () => already(undefined, 'group attributes are not written to the directory'),
  'password.set': setPassword,
};

export async function applyWork(dir: Directory, work: AgentWork): Promise<ApplyResult> {
  const handler = handlers[work.action.type];
  if (!handler) return ldapRefusal(`\`${work.action.type}\` is not something a directory can do`);
  try {
    return await handler(dir, work);
  } catch (error) {
    return ldapFailure(error, work.action.type);
  }
}
