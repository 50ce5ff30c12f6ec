/**
 * Typed client of the job list (GET /api/jobs): recent long jobs (partition, units build, grouping,
 * import, patrol plan), newest first; admins see every job, others their own and their
 * sub-districts'.
 */
import { getJson } from '../api';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface JobListItem {
  id: string;
  kind: string;
  status: JobStatus;
  progress: number;
  /** Progress, or the error of a failed job (the last run's for a dead letter). */
  message: string | null;
  attempts: number;
  /** Every run failed: the job is in the dead-letter queue. */
  dead_letter: boolean;
  worker: string | null;
  subdistricts: string[] | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface JobListFilter {
  status?: JobStatus | 'dead_letter';
  kind?: string;
  limit?: number;
}

export const jobsApi = {
  list(f: JobListFilter = {}): Promise<{ jobs: JobListItem[] }> {
    const q = new URLSearchParams();
    if (f.status) q.set('status', f.status);
    if (f.kind) q.set('kind', f.kind);
    if (f.limit) q.set('limit', String(f.limit));
    const s = q.toString();
    return getJson(`/api/jobs${s ? `?${s}` : ''}`);
  },
};
