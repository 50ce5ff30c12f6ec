-- Jobs on a queue (issue 16, section 2): on the PostGIS-server backend the long jobs run through
-- pg-boss (its own schema, created by pg-boss at start) in worker processes on any machine. The
-- `jobs` row stays what the API and the UI read: which run this is, whether the job ended in the
-- dead-letter queue (every run failed), and which worker runs it.
ALTER TABLE jobs ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN dead_letter boolean NOT NULL DEFAULT false;
ALTER TABLE jobs ADD COLUMN worker text;
