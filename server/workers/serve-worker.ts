import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerMessage } from './run-in-worker';

/** Inside a worker entry: runs `fn` on the input given to `runInWorker` and posts the outcome. */
export async function serveWorker<TIn, TOut>(fn: (input: TIn, progress: (fraction: number, message: string) => void) => TOut | Promise<TOut>): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('serveWorker must run in a worker thread');
  const post = (m: WorkerMessage<TOut>) => port.postMessage(m);
  try {
    const value = await fn((workerData as { input: TIn }).input, (fraction, message) => post({ type: 'progress', fraction, message }));
    post({ type: 'result', value });
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
}
