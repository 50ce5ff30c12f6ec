import { resolve } from 'node:path';

/** Process configuration, read from the environment once at start-up. */
export interface Config {
  port: number;
  host: string;
  /** postgres://… selects the PostGIS server backend; undefined selects the embedded one. */
  databaseUrl?: string;
  /** Data directory of the embedded backend. */
  dataDir: string;
  logLevel: string;
  /** Built client (vite build output), served at / when present. */
  clientDir: string;
  /**
   * Long jobs on the pg-boss queue (PostGIS-server backend only; WANGGE_JOB_QUEUE=off runs them
   * in-process as on the embedded backend).
   */
  jobQueue: boolean;
  /** Queue workers inside the API server (WANGGE_JOB_WORKERS, default 1; 0: only `npm run worker` processes run jobs). */
  jobWorkers: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be an integer 0-65535, got ${env.PORT}`);
  return {
    port,
    host: env.HOST || '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: resolve(env.WANGGE_DATA_DIR || '.data/pglite'),
    logLevel: env.LOG_LEVEL || 'info',
    clientDir: resolve(env.WANGGE_CLIENT_DIR || 'dist/client'),
    jobQueue: !!env.DATABASE_URL && !/^(off|false|0|no)$/i.test(env.WANGGE_JOB_QUEUE ?? ''),
    jobWorkers: jobWorkers(env.WANGGE_JOB_WORKERS),
  };
}

function jobWorkers(v: string | undefined): number {
  const n = v === undefined || v === '' ? 1 : Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new Error(`WANGGE_JOB_WORKERS must be an integer 0-64, got ${v}`);
  return n;
}
