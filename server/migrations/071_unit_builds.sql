-- Units from raw data (server/units/): one row per build of a sub-district's blocks and units, with
-- its data-quality report. A rebuild never deletes a unit a plan references: it is retired
-- (retired_at set) and keeps its id, households and geometry, so old plans still read their grids;
-- a unit whose geometry did not change keeps its id and only has its households recounted. The
-- partition, the units and blocks layers and new plans read current rows only (the views below).
CREATE TABLE unit_builds (
  id             bigserial PRIMARY KEY,
  subdistrict_id text NOT NULL,                     -- no foreign key: the demo loader truncates subdistricts
  job_id         text,
  author         text NOT NULL DEFAULT 'system',
  source         text NOT NULL CHECK (source IN ('register', 'buildings')),  -- where households came from
  stats          jsonb NOT NULL DEFAULT '{}'::jsonb,
  report         jsonb NOT NULL DEFAULT '{}'::jsonb,  -- data-quality report (server/units/quality.ts)
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX unit_builds_subdistrict ON unit_builds (subdistrict_id, id DESC);

ALTER TABLE units ADD COLUMN build_id bigint REFERENCES unit_builds(id);
ALTER TABLE units ADD COLUMN retired_at timestamptz;
CREATE INDEX units_current ON units (subdistrict_id) WHERE retired_at IS NULL;
ALTER TABLE blocks ADD COLUMN build_id bigint REFERENCES unit_builds(id);
ALTER TABLE blocks ADD COLUMN retired_at timestamptz;

CREATE VIEW current_units AS SELECT * FROM units WHERE retired_at IS NULL;
CREATE VIEW current_blocks AS SELECT * FROM blocks WHERE retired_at IS NULL;

-- A rebuild deletes or retires thousands of units and blocks: the foreign-key checks and the
-- "does a plan use it" test need these (else a sequential scan per deleted row).
CREATE INDEX IF NOT EXISTS plan_assignments_unit ON plan_assignments (unit_id);
CREATE INDEX IF NOT EXISTS households_unit ON households (unit_id);
CREATE INDEX IF NOT EXISTS buildings_block ON buildings (block_id);
CREATE INDEX IF NOT EXISTS units_block ON units (block_id);
CREATE INDEX IF NOT EXISTS units_build ON units (build_id);
