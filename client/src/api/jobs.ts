/**
 * Following a long job (partition, units build, weekly patrol plan): its server-sent events
 * (GET /api/jobs/:id/events), with one status read if the stream breaks.
 */
import type { JobInfo } from './plans';
import { plansApi } from './plans';

export type JobEvent = Pick<JobInfo, 'status' | 'progress' | 'message' | 'attempts' | 'dead_letter'> & { result?: Record<string, unknown> | null };

/** Calls `on` with each event of the job; returns a stop function. */
export function followJob(jobId: string, on: (e: JobEvent) => void): () => void {
  const source = new EventSource(plansApi.jobEventsUrl(jobId));
  let open = true;
  source.onmessage = (ev) => on(JSON.parse(ev.data as string) as JobEvent);
  source.onerror = () => {
    if (!open) return;
    source.close();
    void plansApi.job(jobId).then((j) => open && on(j), () => undefined);
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
        reject(new Error(e.message ?? 'failed'));
      }
    });
  });
}
