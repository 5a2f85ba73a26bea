// POST /.search at the root (RFC 7644 §3.4.3): one filter over Users then Groups, paged as one
// list. An attribute one resource type lacks is absent there (it matches nothing, so
// `meta.resourceType eq "Group" or userName eq "x"` finds both); a filter that fits neither
// type is invalid.
import { sql } from 'drizzle-orm';
import { LIST_SCHEMA } from '../discovery.ts';
import { isScimError } from '../errors.ts';
import { toScimGroup } from '../resource/group-map.ts';
import { project } from '../resource/project.ts';
import { toScimUser } from '../resource/user-map.ts';
import { groupTargets, userTargets } from '../query/targets.ts';
import type { Target, TargetMap } from '../query/targets.ts';
import { GROUP_TYPE, USER_TYPE, attr, resolvePath } from '../schema/index.ts';
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

/** `map`, where an attribute the type lacks is an absent value instead of an error. */
function lenient(map: TargetMap): TargetMap {
  const absent: Target = { kind: 'scalar', def: attr('absent', 'string', 'an attribute this resource type lacks'), expr: sql`NULL` };
  return {
    rt: map.rt,
    target(path) {
      try {
        return map.target(path);
      } catch (error) {
        if (isScimError(error) && resolvePath(map.rt, path).ok === false) return absent;
        throw error;
      }
    },
  };
}

export async function searchAll(sc: ScimContext, params: ListParams): Promise<ScimResponse> {
  const strictUsers = tryPrepare(userTargets, params, sc);
  const strictGroups = tryPrepare(groupTargets, params, sc);
  if (strictUsers instanceof Error && strictGroups instanceof Error) throw strictUsers;
  const users = strictUsers instanceof Error ? tryPrepare(lenient(userTargets), params, sc) : strictUsers;
  const groups = strictGroups instanceof Error ? tryPrepare(lenient(groupTargets), params, sc) : strictGroups;
  const prepared = (users instanceof Error ? groups : users) as PreparedList;
  const { offset, limit } = prepared.query;
  const resources = [];
  let total = 0;
  let skip = offset;
  let room = limit;
  if (!(users instanceof Error)) {
    const counted = await findUsers(sc.db, { ...users.query, limit: room, offset: skip });
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
