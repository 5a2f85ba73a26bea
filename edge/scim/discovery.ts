// Discovery (RFC 7644 §4, RFC 7643 §5–7): /ServiceProviderConfig, /ResourceTypes and /Schemas,
// built from the same schema definitions and limits the handlers use, so they cannot drift.
import { ScimError, notFound } from './errors.ts';
import { DEFAULT_COUNT, MAX_OPERATIONS, MAX_PAYLOAD_SIZE, MAX_RESULTS } from './limits.ts';
import type { JsonObject } from './resource/coerce.ts';
import type { ResourceType, SchemaDef } from './schema/index.ts';
import { ALL_SCHEMAS, COMMON_ATTRIBUTES, RESOURCE_TYPES } from './schema/index.ts';

export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RT_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

export function serviceProviderConfig(base: string): JsonObject {
  return {
    schemas: [SPC_SCHEMA],
    patch: { supported: true },
    bulk: { supported: true, maxOperations: MAX_OPERATIONS, maxPayloadSize: MAX_PAYLOAD_SIZE },
    filter: { supported: true, maxResults: MAX_RESULTS },
    // A `password` set on a User is checked against the user's policy, stored only as a hash
    // and synced to the apps that take passwords, like an admin reset.
    changePassword: { supported: true },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: `a Roster token of scope \`scim\` (\`roster token create --scope scim\`), optionally bound to one source; page size ${DEFAULT_COUNT} unless \`count\` says otherwise`,
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}

export function resourceTypeDoc(rt: ResourceType, base: string): JsonObject {
  return {
    schemas: [RT_SCHEMA],
    id: rt.name,
    name: rt.name,
    endpoint: rt.endpoint,
    description: rt.description,
    schema: rt.schema.id,
    schemaExtensions: rt.extensions.map((e) => ({ schema: e.schema.id, required: e.required })),
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/${rt.name}` },
  };
}

export function schemaDoc(schema: SchemaDef, base: string): JsonObject {
  // id and externalId are common attributes (RFC 7643 §3.1) and shown with the core schemas.
  const common = schema.id.includes(':core:') ? COMMON_ATTRIBUTES.filter((a) => a.name !== 'meta') : [];
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: [...common, ...schema.attributes],
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${schema.id}` },
  };
}

export function listOf(resources: JsonObject[]): JsonObject {
  return { schemas: [LIST_SCHEMA], totalResults: resources.length, itemsPerPage: resources.length, startIndex: 1, Resources: resources };
}

export function resourceTypes(base: string, id?: string): JsonObject {
  if (id === undefined) return listOf(RESOURCE_TYPES.map((rt) => resourceTypeDoc(rt, base)));
  const rt = RESOURCE_TYPES.find((t) => t.name === id);
  if (!rt) throw notFound(`no resource type \`${id}\``);
  return resourceTypeDoc(rt, base);
}

export function schemas(base: string, id?: string): JsonObject {
  if (id === undefined) return listOf(ALL_SCHEMAS.map((s) => schemaDoc(s, base)));
  const schema = ALL_SCHEMAS.find((s) => s.id.toLowerCase() === id.toLowerCase());
  if (!schema) throw notFound(`no schema \`${id}\``);
  return schemaDoc(schema, base);
}

/** Discovery endpoints take no filter (RFC 7644 §4: 403 if one is given). */
export function refuseFilter(filter: string | undefined): void {
  if (filter !== undefined) throw new ScimError(403, 'discovery endpoints do not take a filter');
}
