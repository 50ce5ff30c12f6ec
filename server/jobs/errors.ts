/**
 * A job whose input is refused (a file the write finds out of scope or invalid): it ends failed at
 * once, never runs again and is not a dead letter; its result says `refused` with the HTTP status
 * the request would have answered (a route waiting for the job answers it).
 */
export class JobRefusedError extends Error {
  constructor(
    message: string,
    readonly statusCode: 400 | 403 | 409 = 400,
  ) {
    super(message);
  }
}

/** The result recorded for a refused job. */
export const refusedResult = (err: JobRefusedError) => ({ refused: { statusCode: err.statusCode, message: err.message } });
