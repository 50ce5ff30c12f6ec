/**
 * What a long job's status reads like in the UI (partition, units build): progress while it runs
 * (and which run, when the queue runs it again after a failure or a lost worker), the wait while
 * it is queued, and for a job that failed on every run the dead-letter state with its last error.
 * Pure: the views put the text on screen.
 */
import { getLang, t } from '../../i18n';
import { serverMessage } from '../../i18n/server-message';

const said = (m: string | null | undefined) => (m ? serverMessage(m, getLang()) : '');

export interface JobStatusEvent {
  status: string;
  progress: number;
  message: string | null;
  attempts?: number;
  dead_letter?: boolean;
}

/** The status line of a queued or running job. */
export function jobProgressText(e: JobStatusEvent): string {
  if (e.status === 'queued') return t('job.queued') + (e.message ? ` ${said(e.message)}` : '');
  const run = (e.attempts ?? 1) > 1 ? ` · ${t('job.rerun', { attempt: e.attempts ?? 1 })}` : '';
  return `${Math.round((e.progress ?? 0) * 100)}%${run} · ${said(e.message)}`;
}

/** The error of a failed job: its message, or the dead-letter explanation with the last error. */
export function jobFailureText(e: JobStatusEvent): string {
  if (e.dead_letter) return t('job.deadLetter', { runs: e.attempts ?? 3, message: said(e.message) });
  return said(e.message);
}
