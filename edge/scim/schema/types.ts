// Attribute characteristics (RFC 7643 §2.2, §7): the one description of each resource that
// discovery (/Schemas), validation, mutability checks, filters and projection all read.

export type AttrType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDef {
  name: string;
  type: AttrType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDef[];
}

export interface SchemaDef {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDef[];
}

type AttrOptions = Partial<Omit<AttributeDef, 'name' | 'type' | 'description'>>;

/** An attribute with the RFC's defaults (§2.2): optional, case-insensitive, readWrite, returned by default. */
export function attr(name: string, type: AttrType, description: string, options: AttrOptions = {}): AttributeDef {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
}

/** The `value`/`display`/`type`/`primary` shape shared by emails, phoneNumbers, ims, photos… */
export function multiValued(name: string, description: string, valueType: AttrType, types: string[], options: AttrOptions = {}): AttributeDef {
  return attr(name, 'complex', description, {
    multiValued: true,
    subAttributes: [
      attr('value', valueType, `the ${name} value`, valueType === 'reference' ? { referenceTypes: ['external'] } : {}),
      attr('display', 'string', 'a human-readable name, primarily used for display purposes'),
      attr('type', 'string', `a label indicating the function of the value`, types.length > 0 ? { canonicalValues: types } : {}),
      attr('primary', 'boolean', 'whether this is the preferred value; at most one value is primary'),
    ],
    ...options,
  });
}

/** Case-insensitive lookup of a (sub-)attribute by name (§2.1: names are case-insensitive). */
export function findAttr(list: readonly AttributeDef[] | undefined, name: string): AttributeDef | undefined {
  const lower = name.toLowerCase();
  return list?.find((a) => a.name.toLowerCase() === lower);
}
