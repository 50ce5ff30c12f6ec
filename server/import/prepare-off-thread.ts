import { runInWorker } from '../workers/run-in-worker';
import { ImportError } from '../../common/gis-files/parse-errors';
import { prepareImportFile, type ImportOptions, type PreparedImport } from './import-file';

/** Files at least this big are parsed in a worker thread (a 33 MB file blocked the event loop ~2 s). */
export const OFF_THREAD_BYTES = 1024 * 1024;

export interface PrepareInput {
  bytes: Uint8Array;
  fileName: string;
  opts: Omit<ImportOptions, 'onProgress' | 'afterWrite'>;
}
export type PrepareOutput = { ok: true; prep: PreparedImport } | { ok: false; file: string; problem: string; feature?: string };

/**
 * prepareImport, in a worker thread for files of OFF_THREAD_BYTES or more, so that a big upload does
 * not stall every other request (the server's /api/health stays fast); small files in-line (starting
 * a worker costs more than they do). Same result and the same ImportError for a bad file.
 */
export async function prepareImportOffThread(bytes: Uint8Array, fileName: string, opts: PrepareInput['opts'] = {}): Promise<PreparedImport> {
  if (bytes.byteLength < OFF_THREAD_BYTES) return prepareImportFile(bytes, fileName, opts);
  const t0 = performance.now();
  const out = await runInWorker<PrepareInput, PrepareOutput>(new URL('./prepare-worker.ts', import.meta.url), { bytes, fileName, opts });
  if (!out.ok) throw new ImportError(out.file, out.problem, out.feature);
  return { ...out.prep, t0 }; // the worker's clock has another origin
}
