// Groups and memberships: a group's DN comes from `groups.rdn` (`{id}` is Roster's group id,
// `{name}` its name) under `groups.base`; membership is the `member` attribute holding user DNs.
// groupOfNames must always have a member, so an empty group holds the placeholder `""` (the
// empty DN), which is added on create and put back when the last real member leaves.
import { Attribute, Change } from 'ldapts';
import type { Action } from '../../engine/types.ts';
import type { AccountLink, ApplyResult } from '../connectors/types.ts';
import { already, applied } from '../connectors/types.ts';
import type { Directory } from './directory.ts';
import { ALREADY_EXISTS, NO_SUCH_OBJECT, ldapCode, ldapFailure, ldapRefusal } from './errors.ts';
import { all, fillTemplate, sameDn } from './mapping.ts';
import { findUser } from './users.ts';

const PLACEHOLDER = '';

export function groupDn(dir: Directory, action: Action): { ok: true; value: string } | { ok: false; error: string } {
  const groups = dir.config.groups;
  if (!groups) return { ok: false, error: 'the agent config has no `groups` section' };
  const id = action.groupId ?? '';
  const name = typeof action.attributes?.name === 'string' ? action.attributes.name : id;
  const rdn = fillTemplate(groups.rdn, { id: [id], name: [name] });
  return rdn.ok ? { ok: true, value: `${rdn.value},${groups.base}` } : rdn;
}

async function readGroup(dir: Directory, dn: string) {
  const attribute = dir.config.groups?.memberAttribute ?? 'member';
  try {
    const [entry] = await dir.use(async (c) => (await c.search(dn, { scope: 'base', attributes: [attribute] })).searchEntries);
    return { ok: true as const, members: entry ? all(entry, attribute) : undefined };
  } catch (error) {
    if (ldapCode(error) === NO_SUCH_OBJECT) return { ok: true as const, members: undefined };
    return ldapFailure(error, `read group \`${dn}\``);
  }
}

export async function createGroup(dir: Directory, action: Action): Promise<ApplyResult> {
  const dn = groupDn(dir, action);
  if (!dn.ok) return ldapRefusal(dn.error);
  const groups = dir.config.groups as NonNullable<typeof dir.config.groups>;
  const name = typeof action.attributes?.name === 'string' ? action.attributes.name : (action.groupId as string);
  const entry: Record<string, string[]> = { objectClass: groups.objectClasses, [groups.memberAttribute]: [PLACEHOLDER], description: [`roster:${action.groupId}`] };
  if (!/^cn=/i.test(groups.rdn)) entry.cn = [name];
  try {
    await dir.use((c) => c.add(dn.value, entry));
    return applied(undefined, `created \`${dn.value}\``);
  } catch (error) {
    if (ldapCode(error) === ALREADY_EXISTS) return already(undefined, `\`${dn.value}\` exists`);
    return ldapFailure(error, `add \`${dn.value}\``);
  }
}

/** Adds or removes the user's DN in the group's `member`, after reading both. */
export async function changeMembership(dir: Directory, action: Action, link: AccountLink | undefined, add: boolean): Promise<ApplyResult> {
  const dn = groupDn(dir, action);
  if (!dn.ok) return ldapRefusal(dn.error);
  const attribute = dir.config.groups?.memberAttribute ?? 'member';
  const group = await readGroup(dir, dn.value);
  if (!group.ok) return group;
  // The group or the account may still be on its way (an earlier action of the same plan).
  if (group.members === undefined) return add ? { ok: false, error: `group \`${dn.value}\` is not in the directory yet`, retryable: true } : already(undefined, 'no such group');
  const user = await findUser(dir, link, {});
  if (user !== undefined && 'ok' in user) return user as ApplyResult;
  if (!user) return add ? { ok: false, error: `\`${action.userId}\` has no entry in the directory yet`, retryable: true } : already(undefined, 'no entry for the user');
  const isMember = group.members.some((m) => sameDn(m, user.dn));
  if (isMember === add) return already();
  const real = group.members.filter((m) => m !== PLACEHOLDER);
  const changes: Change[] = [];
  if (add) {
    changes.push(new Change({ operation: 'add', modification: new Attribute({ type: attribute, values: [user.dn] }) }));
    if (real.length < group.members.length) changes.push(new Change({ operation: 'delete', modification: new Attribute({ type: attribute, values: [PLACEHOLDER] }) }));
  } else {
    if (real.length === 1) changes.push(new Change({ operation: 'add', modification: new Attribute({ type: attribute, values: [PLACEHOLDER] }) }));
    changes.push(new Change({ operation: 'delete', modification: new Attribute({ type: attribute, values: [group.members.find((m) => sameDn(m, user.dn)) as string] }) }));
  }
  try {
    await dir.use((c) => c.modify(dn.value, changes));
    return applied();
  } catch (error) {
    return ldapFailure(error, `modify \`${dn.value}\``);
  }
}
