-- Read scope (issue 15): who started a job (only they and admins may read it) and who reported a
-- case through the API (a grid member reads the cases of their grids and the ones they reported).
-- Plain user ids, no foreign keys: rows outlive disabled users and backups restore in any order.
-- NULL = not known (rows from before this migration, demo data, or a server running without sign-in).

ALTER TABLE jobs ADD COLUMN created_by bigint;
ALTER TABLE cases ADD COLUMN reported_by bigint;
CREATE INDEX cases_reported_by ON cases (reported_by) WHERE reported_by IS NOT NULL;
