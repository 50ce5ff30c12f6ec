// Worker-thread bootstrap: registers tsx so the worker can load a TypeScript entry module.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
