-- Operations (issue 16): queue workers say they are alive, and imports travel through the queue.
-- job_workers: one row per queue worker (server/jobs/queue-worker.ts), its heartbeat every few
-- seconds; /api/health counts the workers seen recently. A worker that stops cleanly deletes its
-- row; a killed one's row ages and is pruned after a day.
CREATE TABLE job_workers (
  name text PRIMARY KEY,
  started_at timestamptz NOT NULL DEFAULT now(),
  seen_at timestamptz NOT NULL DEFAULT now(),
  concurrency integer NOT NULL DEFAULT 1,
  busy integer NOT NULL DEFAULT 0
);
-- import_uploads: the bytes of an uploaded file while its import job waits or runs (PostGIS-server
-- backend: a worker process on any machine runs it). Deleted with the job's final status.
CREATE TABLE import_uploads (
  job_id text PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  bytes bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_created_at_idx ON jobs (created_at DESC);
