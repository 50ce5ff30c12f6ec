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
