// Account actions against a SCIM app. Every operation first finds the account, so a repeated
// delivery of the same action finds its own earlier effect and reports `already`.
import type { Action } from '../../../engine/types.ts';
import { statusFailure } from '../http.ts';
import type { AccountState, ApplyInput, ApplyResult, ConnectorFailure } from '../types.ts';
import { already, applied, failure } from '../types.ts';
import type { ScimClient } from './client.ts';
import { findUser, isFailure, matchValue } from './lookup.ts';
import type { PatchOperation, ScimResource } from './resources.ts';
import { PATCH_SCHEMA, applyOperations, changeOperations, observedAttributes, userResource } from './resources.ts';

export interface ScimContext {
  client: ScimClient;
  matchAttribute: string;
}

const state = (resource: ScimResource): AccountState => (resource.active === false ? 'deactivated' : 'active');
const effect = (resource: ScimResource, status: AccountState = state(resource)) => ({ externalId: String(resource.id), status, attributes: observedAttributes(resource) });

function keys(ctx: ScimContext, input: ApplyInput) {
  const attributes = input.action.attributes ?? input.link?.attributes;
  const match = matchValue(ctx.matchAttribute, attributes);
  return { userId: input.action.userId as string, ...(input.link ? { link: input.link } : {}), ...(match ? { match } : {}) };
}

export async function createAccount(ctx: ScimContext, input: ApplyInput): Promise<ApplyResult> {
  const { action } = input;
  const existing = await findUser(ctx.client, keys(ctx, input));
  if (isFailure(existing)) return existing;
  if (existing) return already(effect(existing), 'the account was found by lookup before creating');
  const body = userResource(action.userId as string, action.attributes ?? {}, action.role);
  const response = await ctx.client.request('POST', '/Users', body);
  if (!response.ok) return response;
  if (response.status === 201 || response.status === 200) return applied(effect(response.body as ScimResource));
  if (response.status === 409) {
    // Someone holds the unique value: ours from an earlier attempt, or a stranger's account.
    const again = await findUser(ctx.client, keys(ctx, input));
    if (isFailure(again)) return again;
    if (again) return already(effect(again), 'the app reported a uniqueness conflict; the account was found');
    return { ...statusFailure({ method: 'POST', url: '/Users' }, response), retryable: false };
  }
  return statusFailure({ method: 'POST', url: '/Users' }, response);
}

/** Found, or the failure to report (a missing account is not retryable: drift will show it). */
async function existingUser(ctx: ScimContext, input: ApplyInput): Promise<ScimResource | ConnectorFailure> {
  const found = await findUser(ctx.client, keys(ctx, input));
  if (isFailure(found)) return found;
  return found ?? failure(`\`${input.action.userId}\` has no account in the app (404)`, false, { status: 404 });
}

/** PATCH, or GET + PUT where the app's ServiceProviderConfig says PATCH is unsupported. */
export async function modify(ctx: ScimContext, endpoint: '/Users' | '/Groups', resource: ScimResource, ops: PatchOperation[]): Promise<ScimResource | ConnectorFailure> {
  const provider = await ctx.client.provider();
  if (isFailure(provider)) return provider;
  const path = `${endpoint}/${encodeURIComponent(String(resource.id))}`;
  const response = provider.patch
    ? await ctx.client.request('PATCH', path, { schemas: [PATCH_SCHEMA], Operations: ops })
    : await ctx.client.request('PUT', path, applyOperations(resource, ops));
  if (!response.ok) return response;
  if (response.status === 200) return (response.body as ScimResource | undefined) ?? applyOperations(resource, ops);
  if (response.status === 204) return applyOperations(resource, ops);
  return statusFailure({ method: provider.patch ? 'PATCH' : 'PUT', url: path }, response);
}

export async function updateAccount(ctx: ScimContext, input: ApplyInput): Promise<ApplyResult> {
  const ops = changeOperations(input.action.changes ?? {}, input.action.role);
  const user = await existingUser(ctx, input);
  if (isFailure(user)) return user;
  if (ops.length === 0) return already(effect(user));
  const next = await modify(ctx, '/Users', user, ops);
  return isFailure(next) ? next : applied(effect(next));
}

export async function setActive(ctx: ScimContext, input: ApplyInput, active: boolean): Promise<ApplyResult> {
  const found = await findUser(ctx.client, keys(ctx, input));
  if (isFailure(found)) return found;
  const status = active ? 'active' : input.action.type === 'account.suspend' ? 'suspended' : 'deactivated';
  if (!found) return active ? failure(`\`${input.action.userId}\` has no account in the app to reactivate (404)`, false, { status: 404 }) : already({ removed: true }, 'no account in the app');
  if ((found.active !== false) === active) return already(effect(found, status));
  const next = await modify(ctx, '/Users', found, [{ op: 'replace', path: 'active', value: active }]);
  return isFailure(next) ? next : applied(effect(next, status));
}

export async function deleteAccount(ctx: ScimContext, input: ApplyInput): Promise<ApplyResult> {
  const found = await findUser(ctx.client, keys(ctx, input));
  if (isFailure(found)) return found;
  if (!found) return already({ removed: true }, 'no account in the app');
  const path = `/Users/${encodeURIComponent(String(found.id))}`;
  const response = await ctx.client.request('DELETE', path);
  if (!response.ok) return response;
  if (response.status === 204 || response.status === 200) return applied({ removed: true });
  if (response.status === 404) return already({ removed: true });
  return statusFailure({ method: 'DELETE', url: path }, response);
}

export async function setPassword(ctx: ScimContext, input: ApplyInput): Promise<ApplyResult> {
  if (input.password === undefined) return failure('the password could not be unsealed with this edge\'s seal key', false);
  const user = await existingUser(ctx, input);
  if (isFailure(user)) return user;
  const next = await modify(ctx, '/Users', user, [{ op: 'replace', path: 'password', value: input.password }]);
  // Never echo what the app sent back: it might include the password.
  return isFailure(next) ? next : applied();
}

export const accountHandlers: Partial<Record<Action['type'], (ctx: ScimContext, input: ApplyInput) => Promise<ApplyResult>>> = {
  'account.create': createAccount,
  'account.update': updateAccount,
  'account.suspend': (ctx, input) => setActive(ctx, input, false),
  'account.deactivate': (ctx, input) => setActive(ctx, input, false),
  'account.reactivate': (ctx, input) => setActive(ctx, input, true),
  'account.delete': deleteAccount,
  'password.set': setPassword,
};
