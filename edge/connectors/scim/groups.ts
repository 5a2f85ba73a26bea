// Group push: groups are created with Roster's group id as `externalId` (found again by it),
// and memberships are PATCHed member by member after checking the group's current members.
import type { Action } from '../../../engine/types.ts';
import { statusFailure } from '../http.ts';
import type { ApplyInput, ApplyResult } from '../types.ts';
import { already, applied, failure } from '../types.ts';
import { findGroup, findUser, isFailure } from './lookup.ts';
import type { ScimResource } from './resources.ts';
import { GROUP_SCHEMA } from './resources.ts';
import type { ScimContext } from './users.ts';
import { modify } from './users.ts';

const nameOf = (action: Action) => (typeof action.attributes?.name === 'string' ? action.attributes.name : (action.groupId as string));

export async function createGroup(ctx: ScimContext, input: ApplyInput): Promise<ApplyResult> {
  const { action } = input;
  const groupId = action.groupId as string;
  const existing = await findGroup(ctx.client, groupId);
  if (isFailure(existing)) return existing;
  if (existing) return already(undefined, `group \`${groupId}\` exists in the app`);
  const body: ScimResource = { schemas: [GROUP_SCHEMA], displayName: nameOf(action), externalId: groupId, members: [] };
  const response = await ctx.client.request('POST', '/Groups', body);
  if (!response.ok) return response;
  if (response.status === 201 || response.status === 200) return applied();
  if (response.status === 409) {
    const again = await findGroup(ctx.client, groupId);
    if (isFailure(again)) return again;
    if (again) return already();
    return { ...statusFailure({ method: 'POST', url: '/Groups' }, response), retryable: false };
  }
  return statusFailure({ method: 'POST', url: '/Groups' }, response);
}

export async function updateGroup(ctx: ScimContext, input: ApplyInput): Promise<ApplyResult> {
  const groupId = input.action.groupId as string;
  const group = await findGroup(ctx.client, groupId);
  if (isFailure(group)) return group;
  if (!group) return failure(`group \`${groupId}\` is not in the app yet`, true);
  const ops = Object.entries(input.action.changes ?? {}).map(([name, change]) => ({ op: 'replace' as const, path: name === 'name' ? 'displayName' : name, value: change.to }));
  if (ops.length === 0) return already();
  const next = await modify(ctx, '/Groups', group, ops);
  return isFailure(next) ? next : applied();
}

export async function changeMembership(ctx: ScimContext, input: ApplyInput, add: boolean): Promise<ApplyResult> {
  const { action } = input;
  const groupId = action.groupId as string;
  const group = await findGroup(ctx.client, groupId);
  if (isFailure(group)) return group;
  // The group or the account may still be on its way (created by an earlier action of the plan).
  if (!group) return add ? failure(`group \`${groupId}\` is not in the app yet`, true) : already(undefined, 'no such group in the app');
  const user = await findUser(ctx.client, { userId: action.userId as string, ...(input.link ? { link: input.link } : {}) });
  if (isFailure(user)) return user;
  if (!user) return add ? failure(`\`${action.userId}\` has no account in the app yet`, true) : already(undefined, 'no account in the app');
  const userRef = String(user.id);
  const members = Array.isArray(group.members) ? (group.members as { value?: unknown }[]) : [];
  const isMember = members.some((m) => String(m.value) === userRef);
  if (isMember === add) return already();
  const ops = add
    ? [{ op: 'add' as const, path: 'members', value: [{ value: userRef }] }]
    : [{ op: 'remove' as const, path: `members[value eq "${userRef}"]` }];
  const provider = await ctx.client.provider();
  if (isFailure(provider)) return provider;
  if (!provider.patch) {
    // PUT-only apps: send the whole member list.
    const nextMembers = add ? [...members, { value: userRef }] : members.filter((m) => String(m.value) !== userRef);
    const path = `/Groups/${encodeURIComponent(String(group.id))}`;
    const { meta: _meta, ...rest } = group;
    const response = await ctx.client.request('PUT', path, { ...rest, members: nextMembers });
    if (!response.ok) return response;
    return response.status === 200 || response.status === 204 ? applied() : statusFailure({ method: 'PUT', url: path }, response);
  }
  const next = await modify(ctx, '/Groups', group, ops);
  return isFailure(next) ? next : applied();
}

export const groupHandlers: Partial<Record<Action['type'], (ctx: ScimContext, input: ApplyInput) => Promise<ApplyResult>>> = {
  'group.create': createGroup,
  'group.update': updateGroup,
  'membership.add': (ctx, input) => changeMembership(ctx, input, true),
  'membership.remove': (ctx, input) => changeMembership(ctx, input, false),
};
