export { PUBLIC_PATHS, allowedScopes, authenticate, isPublicPath } from './auth.ts';
export type { AppEnv } from './env.ts';
export { writeContext } from './env.ts';
export { ApiError, conflict, errorBody, issueDetails, notFound, notFoundHandler, onError, unwrap, validationHook } from './errors.ts';
export type { ErrorBody } from './errors.ts';
export { newRouter } from './router.ts';
