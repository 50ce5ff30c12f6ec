/**
 * Long jobs (partition, units build, grouping, import, weekly patrol plan): following one through its
 * server-sent events (GET /api/jobs/:id/events, with one status read if the stream breaks), and the
 * job list (GET /api/jobs): newest first; admins see every job, others their own and their
 * sub-districts'.
 */
import { getLang } from '../i18n';
import { serverMessage } from '../i18n/server-message';
import { getJson } from './http';
import type { JobEvent, JobListFilter, JobListItem } from '../../../common/http/jobs';
import { plansApi } from './plans';

export type { JobEvent, JobListFilter, JobListItem, JobStatus } from '../../../common/http/jobs';

/** Calls `on` with each event of the job; returns a stop function. */
export function followJob(jobId: string, on: (e: JobEvent) => void): () => void {
  const source = new EventSource(plansApi.jobEventsUrl(jobId));
  let open = true;
  source.onmessage = (ev) => on(JSON.parse(ev.data as string) as JobEvent);
  source.onerror = () => {
    if (!open) return;
    source.close();
    void plansApi.job(jobId).then(
      (j) => open && on(j),
      () => undefined,
    );
  };
  return () => {
    open = false;
    source.close();
  };
}

/** Resolves with the job's result once it succeeded (rejects with its message when it failed); `on` sees every event. */
export function jobResult(jobId: string, on: (e: JobEvent) => void = () => undefined): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const stop = followJob(jobId, (e) => {
      on(e);
      if (e.status === 'succeeded') {
        stop();
        resolve(e.result ?? {});
      } else if (e.status === 'failed') {
        stop();
        reject(new Error(serverMessage(e.message ?? 'failed', getLang())));
      }
    });
  });
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
