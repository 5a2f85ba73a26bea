// SCIM errors (RFC 7644 §3.12): one body shape for every failure on /scim/v2, `status` as a
// string, `scimType` only where the RFC defines one for that status. Handlers return or throw
// `ScimError`; the route turns it into a response, so a SCIM client never sees another shape.

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The scimType values of RFC 7644 §3.12, table 9 (all are 400 except `uniqueness` 409). */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export interface ScimErrorBody {
  schemas: [typeof ERROR_SCHEMA];
  status: string;
  scimType?: ScimType;
  detail: string;
}

export class ScimError extends Error {
  readonly status: number;
  readonly scimType: ScimType | undefined;

  constructor(status: number, detail: string, scimType?: ScimType) {
    super(detail);
    this.name = 'ScimError';
    this.status = status;
    this.scimType = scimType;
  }

  toBody(): ScimErrorBody {
    return errorBody(this.status, this.message, this.scimType);
  }
}

export function errorBody(status: number, detail: string, scimType?: ScimType): ScimErrorBody {
  const body: ScimErrorBody = { schemas: [ERROR_SCHEMA], status: String(status), detail };
  if (scimType !== undefined) body.scimType = scimType;
  return body;
}

/** 400 with a scimType: the request is wrong in a way the RFC names. */
export const badRequest = (scimType: ScimType, detail: string): ScimError => new ScimError(400, detail, scimType);
export const notFound = (detail: string): ScimError => new ScimError(404, detail);
export const conflict = (detail: string): ScimError => new ScimError(409, detail, 'uniqueness');
export const preconditionFailed = (detail: string): ScimError => new ScimError(412, detail);
export const payloadTooLarge = (detail: string): ScimError => new ScimError(413, detail);
export const unauthorized = (detail: string): ScimError => new ScimError(401, detail);
export const forbidden = (detail: string): ScimError => new ScimError(403, detail);

export function isScimError(error: unknown): error is ScimError {
  return error instanceof ScimError;
}
