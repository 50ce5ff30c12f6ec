/**
 * A worker's lease on a running job: a session-level advisory lock on the job's id, held on a
 * connection of its own for as long as the run lasts. PostgreSQL releases it the moment that
 * connection closes, which is what happens when the worker process is killed (kill -9, a crash):
 * any other worker then finds the job active in pg-boss but unleased and hands it back to the queue
 * (reapLostJobs), so it runs again elsewhere; its transaction was rolled back with the connection.
 * A worker machine that vanishes without closing its connections is caught later by pg-boss's
 * expiry (WANGGE_JOB_EXPIRE_SECONDS).
 */
import pg from 'pg';
import type { Queryable } from '../db';

const KEY = "hashtextextended('wangge-job:' || $1, 0)";

export interface Lease {
  /** Set once the lease's connection is lost: the run must stop (another worker may take it). */
  readonly lost: boolean;
  release(): Promise<void>;
}

export async function takeLease(url: string, jobId: string, onLost: () => void): Promise<Lease> {
  const c = new pg.Client({ connectionString: url, application_name: 'wangge-lease' });
  let lost = false;
  let released = false;
  const lose = () => {
    if (released || lost) return;
    lost = true;
    onLost();
  };
  c.on('error', lose);
  c.on('end', lose);
  await c.connect();
  const r = await c.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${KEY}) AS ok`, [jobId]);
  if (!r.rows[0].ok) {
    released = true;
    await c.end().catch(() => undefined);
    throw new Error(`job ${jobId} is leased by another worker`);
  }
  return {
    get lost() {
      return lost;
    },
    async release() {
      released = true;
      await c.end().catch(() => undefined); // ends the session: the lock goes with it
    },
  };
}

/**
 * True when nobody holds the job's lease (its worker is gone). Run inside a transaction (`tx`): the
 * probe takes the lock for that transaction only, so it is released at its end.
 */
export async function leaseIsFree(tx: Queryable, jobId: string): Promise<boolean> {
  const r = await tx.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(${KEY}) AS ok`, [jobId]);
  return r.rows[0].ok;
}
