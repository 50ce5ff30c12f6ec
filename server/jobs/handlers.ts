/**
 * The long jobs that can run anywhere, by kind: the one place their work is defined. Both runners
 * call these: the in-process runner (server/jobs/runner.ts, the embedded backend and tests) and the
 * queue workers (server/jobs/queue-worker.ts, pg-boss on the PostGIS server, in the API process or
 * in `npm run worker` on another machine). A handler gets only JSON params and the database, so a
 * job can be sent to another process; its writes are ONE transaction (nothing half-written when a
 * run is cut off, so running it again is safe).
 */
import type { Db } from '../db';
import { autoGroup, type AutoGroupParams } from '../defense/service';
import { partitionToPlan, type PartitionRequest } from '../partition/service';
import { deleteUpload, runImportJob } from '../import/job';
import { runPlanJob } from '../patrol-plans/service';
import { buildUnitsForSubdistricts } from '../units/service';
import type { ReportProgress } from './types';

export interface JobContext {
  db: Db;
  /** The job's id (its `jobs` row). */
  jobId: string;
}

export type JobHandler = (ctx: JobContext, params: Record<string, unknown>, report: ReportProgress, signal: AbortSignal) => Promise<Record<string, unknown>>;

/** Kinds of job with a handler: what the queue carries. */
export const QUEUED_KINDS = ['partition', 'units', 'groups', 'patrol-plan', 'import'] as const;
export type QueuedKind = (typeof QUEUED_KINDS)[number];

export const isQueuedKind = (kind: string): kind is QueuedKind => (QUEUED_KINDS as readonly string[]).includes(kind);

export const JOB_HANDLERS: Record<QueuedKind, JobHandler> = {
  /** params: a PartitionRequest (author included). */
  partition: async ({ db }, params, report, signal) => ({ ...(await partitionToPlan(db, params as unknown as PartitionRequest, report, signal)) }),
  /** params: { subdistricts, splitAbove, author }. */
  units: ({ db, jobId }, params, report, signal) =>
    buildUnitsForSubdistricts(
      db,
      { subdistricts: params.subdistricts as string[], splitAbove: params.splitAbove as number | undefined, author: String(params.author ?? 'planner'), jobId },
      report,
      signal,
    ),
  /** params: AutoGroupParams and author. */
  groups: async ({ db }, params, report) => {
    const { author, ...p } = params;
    return { ...(await autoGroup(db, p as unknown as AutoGroupParams, { inWorker: true, author: String(author ?? 'planner'), progress: report })) };
  },
  /** params: a weekly patrol plan request (server/patrol-plans/generate.ts), author and actor; saves a draft. */
  'patrol-plan': async ({ db }, params, report, signal) => ({ ...(await runPlanJob(db, params, report, signal)) }),
  /** params: ImportJobParams (server/import/job.ts); the file waits in import_uploads. */
  import: async ({ db, jobId }, params, report) => ({ ...(await runImportJob(db, jobId, params, report)) }),
};

/** What a kind leaves in the database for its runs (an upload), dropped once the job is final (failed for good, cancelled). */
export const JOB_CLEANUP: Partial<Record<QueuedKind, (db: Db, jobId: string) => Promise<void>>> = {
  import: (db, jobId) => deleteUpload(db, jobId),
};

/**
 * The sub-districts a job works on, for the queue's singleton key (one job of a kind per
 * sub-district set at a time); null when the job names none ('all').
 */
export function jobSubdistricts(params: Record<string, unknown>): string[] | null {
  const s = params.subdistricts ?? params.subdistrict;
  if (typeof s === 'string') return [s];
  if (Array.isArray(s)) return [...new Set(s.map(String))].sort();
  return null;
}
