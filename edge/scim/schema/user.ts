// The User resource (RFC 7643 §4.1), the enterprise extension (§4.3) and the common
// attributes every resource has (§3.1).
import type { AttributeDef, SchemaDef } from './types.ts';
import { attr, multiValued } from './types.ts';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** id, externalId and meta (RFC 7643 §3.1): in every resource, outside any schema's list. */
export const COMMON_ATTRIBUTES: AttributeDef[] = [
  attr('id', 'string', 'unique identifier for the resource, assigned by the service provider', { caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server' }),
  attr('externalId', 'string', 'an identifier for the resource as defined by the provisioning client', { caseExact: true }),
  attr('meta', 'complex', 'resource metadata, assigned by the service provider', {
    mutability: 'readOnly',
    subAttributes: [
      attr('resourceType', 'string', 'the name of the resource type', { caseExact: true, mutability: 'readOnly' }),
      attr('created', 'dateTime', 'when the resource was added', { mutability: 'readOnly' }),
      attr('lastModified', 'dateTime', 'when the resource was last updated', { mutability: 'readOnly' }),
      attr('location', 'reference', 'the URI of the resource', { caseExact: true, mutability: 'readOnly', referenceTypes: ['uri'] }),
      attr('version', 'string', 'the version (weak ETag) of the resource', { caseExact: true, mutability: 'readOnly' }),
    ],
  }),
];

const ro = { mutability: 'readOnly' } as const;

export const userSchema: SchemaDef = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    attr('userName', 'string', 'unique identifier for the user, the Roster login', { required: true, uniqueness: 'server' }),
    attr('name', 'complex', "the components of the user's name", {
      subAttributes: [
        attr('formatted', 'string', 'the full name, formatted for display'),
        attr('familyName', 'string', 'the family name (Roster `lastName`)'),
        attr('givenName', 'string', 'the given name (Roster `firstName`)'),
        attr('middleName', 'string', 'the middle name(s)'),
        attr('honorificPrefix', 'string', 'the honorific prefix, e.g. Ms.'),
        attr('honorificSuffix', 'string', 'the honorific suffix, e.g. III'),
      ],
    }),
    attr('displayName', 'string', 'the name of the user, suitable for display'),
    attr('nickName', 'string', 'the casual way to address the user'),
    attr('profileUrl', 'reference', "a URI of the user's online profile", { referenceTypes: ['external'] }),
    attr('title', 'string', "the user's title, e.g. Vice President"),
    attr('userType', 'string', 'the relationship to the organisation (Roster `employeeType`)'),
    attr('preferredLanguage', 'string', 'the preferred written or spoken language'),
    attr('locale', 'string', 'the default location for localisation'),
    attr('timezone', 'string', "the user's IANA time zone (Roster `timeZone`)"),
    attr('active', 'boolean', "the user's administrative status (Roster status ACTIVE, else SUSPENDED)"),
    attr('password', 'string', "the user's clear-text password, stored only as a hash", { mutability: 'writeOnly', returned: 'never' }),
    multiValued('emails', 'email addresses for the user (the primary one is Roster `email`)', 'string', ['work', 'home', 'other']),
    multiValued('phoneNumbers', 'phone numbers for the user', 'string', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    multiValued('ims', 'instant messaging addresses', 'string', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
    multiValued('photos', 'URLs of photos of the user', 'reference', ['photo', 'thumbnail']),
    attr('addresses', 'complex', 'physical mailing addresses', {
      multiValued: true,
      subAttributes: [
        attr('formatted', 'string', 'the full mailing address'),
        attr('streetAddress', 'string', 'the full street address component'),
        attr('locality', 'string', 'the city or locality'),
        attr('region', 'string', 'the state or region'),
        attr('postalCode', 'string', 'the zip code or postal code'),
        attr('country', 'string', 'the country name (ISO 3166-1 alpha-2)'),
        attr('type', 'string', 'a label indicating the function of the address', { canonicalValues: ['work', 'home', 'other'] }),
        attr('primary', 'boolean', 'whether this is the preferred address'),
      ],
    }),
    attr('groups', 'complex', 'the groups the user belongs to (managed through Group resources)', {
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: [
        attr('value', 'string', 'the id of the group', ro),
        attr('$ref', 'reference', 'the URI of the group', { ...ro, referenceTypes: ['Group'] }),
        attr('display', 'string', 'the group display name', ro),
        attr('type', 'string', 'direct or indirect membership', { ...ro, canonicalValues: ['direct', 'indirect'] }),
      ],
    }),
    multiValued('entitlements', 'entitlements of the user', 'string', []),
    multiValued('roles', 'roles of the user', 'string', []),
    multiValued('x509Certificates', 'certificates of the user (DER, base64)', 'binary', []),
  ],
};

export const enterpriseSchema: SchemaDef = {
  id: ENTERPRISE_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attr('employeeNumber', 'string', 'the numeric or alphanumeric identifier assigned to the person'),
    attr('costCenter', 'string', 'the name of a cost center'),
    attr('organization', 'string', 'the name of an organization'),
    attr('division', 'string', 'the name of a division'),
    attr('department', 'string', 'the name of a department'),
    attr('manager', 'complex', "the user's manager (Roster `managerId`)", {
      subAttributes: [
        attr('value', 'string', 'the id of the manager user', { caseExact: true }),
        attr('$ref', 'reference', 'the URI of the manager user', { referenceTypes: ['User'] }),
        attr('displayName', 'string', "the manager's display name", ro),
      ],
    }),
  ],
};

export const groupSchema: SchemaDef = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    attr('displayName', 'string', 'a human-readable name for the group', { required: true }),
    attr('members', 'complex', 'a list of members of the group', {
      multiValued: true,
      subAttributes: [
        attr('value', 'string', 'the id of the member', { caseExact: true, mutability: 'immutable' }),
        attr('$ref', 'reference', 'the URI of the member', { mutability: 'immutable', referenceTypes: ['User'] }),
        attr('display', 'string', 'the member display name', ro),
        attr('type', 'string', 'the type of the member (Roster groups hold users only)', { mutability: 'immutable', canonicalValues: ['User'] }),
      ],
    }),
  ],
};
