/** How a job stopped by its user ends, for every runner and every job's work (no imports: a leaf). */

/** The message of a job stopped by its user (POST /api/jobs/:id/cancel). */
export const CANCELLED_MESSAGE = '已取消 (cancelled)';

/** Thrown by work that noticed its signal was aborted. */
export class JobCancelledError extends Error {
  constructor() {
    super(CANCELLED_MESSAGE);
  }
}
