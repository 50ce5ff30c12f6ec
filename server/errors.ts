/**
 * Domain errors that carry their HTTP answer: `statusCode`, a message for the planner, and
 * `details` (extra fields of the reply, e.g. what changed since a stale edit's base). They are
 * thrown by the capability code and formatted in ONE place, the error handler of
 * server/plugins/errors.ts; routes do not catch them.
 */

/** An error whose reply carries fields beyond statusCode/error/message. */
export interface WithDetails {
  readonly details: Record<string, unknown>;
}

/** The thing a request names does not exist (HTTP 404). */
export class NotFoundError extends Error {
  readonly statusCode = 404;
}

/** A value of the request the server cannot use (HTTP 400); the message names it and says why. */
export class InvalidRequestError extends Error {
  readonly statusCode = 400;
}

/** The caller's role may not do this (HTTP 403). */
export class ForbiddenError extends Error {
  readonly statusCode = 403;
}

/** The request carries no valid session or token (HTTP 401). */
export class UnauthorizedError extends Error {
  readonly statusCode = 401;
}

/** The request conflicts with the thing's current state, e.g. cancelling a finished job (HTTP 409). */
export class ConflictError extends Error {
  readonly statusCode = 409;
}

/** Too many attempts; the reply's retry-after header says when to try again (HTTP 429). */
export class TooManyRequestsError extends Error {
  readonly statusCode = 429;
}
