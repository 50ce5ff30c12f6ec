import { Worker } from 'node:worker_threads';

/** Messages a worker entry posts back (see `serveWorker`). */
export type WorkerMessage<T> = { type: 'progress'; fraction: number; message: string } | { type: 'result'; value: T } | { type: 'error'; message: string };

/**
 * Runs `entry` (a TypeScript module that calls `serveWorker`) in a worker thread with `input`,
 * forwarding progress; resolves with its result. One thread per call: long CPU-bound jobs
 * (partitioning) never block the server's event loop.
 */
export function runInWorker<TIn, TOut>(entry: URL, input: TIn, onProgress?: (fraction: number, message: string) => void, signal?: AbortSignal): Promise<TOut> {
  return new Promise<TOut>((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('cancelled'));
    const worker = new Worker(new URL('./boot.mjs', import.meta.url), {
      workerData: { entry: entry.href, input },
    });
    let settled = false;
    // cancelling terminates the thread at once (the work is pure: nothing to clean up)
    const onAbort = () => {
      if (settled) return;
      settled = true;
      reject(new Error('cancelled'));
      void worker.terminate();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('exit', () => signal?.removeEventListener('abort', onAbort));
    worker.on('message', (m: WorkerMessage<TOut>) => {
      if (m.type === 'progress') onProgress?.(m.fraction, m.message);
      else if (m.type === 'result') {
        settled = true;
        resolve(m.value);
        void worker.terminate();
      } else {
        settled = true;
        reject(new Error(m.message));
        void worker.terminate();
      }
    });
    worker.on('error', (e) => {
      if (!settled) reject(e);
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`worker exited with code ${code}`));
    });
  });
}
