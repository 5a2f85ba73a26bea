// POST /.search at the root (RFC 7644 §3.4.3): one filter over Users then Groups, paged as one
// list. An attribute a resource type lacks makes the filter invalid for it: that type is left
// out, and the filter is invalid only if it fits neither.
import { and } from 'drizzle-orm';
import { LIST_SCHEMA } from '../discovery.ts';
import { isScimError } from '../errors.ts';
import { toScimGroup } from '../resource/group-map.ts';
import { project } from '../resource/project.ts';
import { toScimUser } from '../resource/user-map.ts';
import { groupTargets, userTargets } from '../query/targets.ts';
import type { TargetMap } from '../query/targets.ts';
import { GROUP_TYPE, USER_TYPE } from '../schema/index.ts';
import { findGroups } from '../store/groups.ts';
import { findUsers } from '../store/users.ts';
import type { ScimContext, ScimResponse } from './context.ts';
import { scopeSql } from './context.ts';
import type { ListParams, PreparedList } from './query.ts';
import { prepareList } from './query.ts';

function tryPrepare(map: TargetMap, params: ListParams, sc: ScimContext): PreparedList | Error {
  try {
    return prepareList(map, params, scopeSql(sc.caller));
  } catch (error) {
    if (isScimError(error)) return error;
    throw error;
  }
}

export async function searchAll(sc: ScimContext, params: ListParams): Promise<ScimResponse> {
  const users = tryPrepare(userTargets, params, sc);
  const groups = tryPrepare(groupTargets, params, sc);
  if (users instanceof Error && groups instanceof Error) throw users;
  const prepared = (users instanceof Error ? groups : users) as PreparedList;
  const { offset, limit } = prepared.query;
  const resources = [];
  let total = 0;
  let skip = offset;
  let room = limit;
  if (!(users instanceof Error)) {
    const counted = await findUsers(sc.db, { ...users.query, where: and(users.query.where), limit: room, offset: skip });
    total += counted.total;
    resources.push(...counted.views.map((v) => project(USER_TYPE, toScimUser(v, sc.base), users.projection)));
    skip = Math.max(0, skip - counted.total);
    room -= counted.views.length;
  }
  if (!(groups instanceof Error)) {
    const counted = await findGroups(sc.db, { ...groups.query, limit: room, offset: skip }, true);
    total += counted.total;
    resources.push(...counted.views.map((v) => project(GROUP_TYPE, toScimGroup(v, sc.base), groups.projection)));
  }
  return { status: 200, body: { schemas: [LIST_SCHEMA], totalResults: total, startIndex: prepared.startIndex, itemsPerPage: resources.length, Resources: resources } };
}
