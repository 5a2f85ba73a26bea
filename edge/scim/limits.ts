// The limits /scim/v2 enforces, in one place: /ServiceProviderConfig publishes exactly these.

/** Operations in one /Bulk request (RFC 7644 §3.7.4; over it: 413). */
export const MAX_OPERATIONS = 1000;
/** Bytes in one request body, /Bulk included (over it: 413). */
export const MAX_PAYLOAD_SIZE = 1024 * 1024;
/** Resources in one page of a list or search: a larger `count` is lowered to this. */
export const MAX_RESULTS = 1000;
/** Page size when the client sends no `count`. */
export const DEFAULT_COUNT = 100;
