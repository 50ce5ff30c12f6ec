-- Grid plans (assignments of units to grids), their dissolved grids, edit history, and jobs.

CREATE TABLE plans (
  id           bigserial PRIMARY KEY,
  name         text NOT NULL,
  author       text NOT NULL DEFAULT 'system',
  status       text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
  version      integer NOT NULL DEFAULT 1,
  subdistricts text[] NOT NULL,
  params       jsonb NOT NULL DEFAULT '{}'::jsonb,
  warnings     jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  archived_at  timestamptz
);

CREATE TABLE plan_assignments (
  plan_id   bigint NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  unit_id   text NOT NULL REFERENCES units(id),
  grid_code text,                                  -- NULL = unassigned
  PRIMARY KEY (plan_id, unit_id)
);
CREATE INDEX plan_assignments_grid ON plan_assignments (plan_id, grid_code);

-- Dissolved grid polygons and their statistics, maintained on every write of a plan.
CREATE TABLE grids (
  plan_id        bigint NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  code           text NOT NULL,                    -- 15 digits: adcode(6)+subdistrict(3)+community(3)+seq(3)
  subdistrict_id text NOT NULL REFERENCES subdistricts(id),
  community_id   text REFERENCES communities(id),
  households     integer NOT NULL,
  units          integer NOT NULL,
  polsby_popper  real,
  contiguous     boolean NOT NULL DEFAULT true,
  locked         boolean NOT NULL DEFAULT false,
  geom           geometry(MultiPolygon, 4326) NOT NULL,
  PRIMARY KEY (plan_id, code)
);
CREATE INDEX grids_geom ON grids USING gist (geom);

-- Server-side edit history (undo/redo across reloads): one row per version step.
CREATE TABLE plan_edits (
  id          bigserial PRIMARY KEY,
  plan_id     bigint NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  version     integer NOT NULL,                   -- the plan version this edit produced
  author      text NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  kind        text NOT NULL DEFAULT 'edit' CHECK (kind IN ('edit', 'undo', 'redo', 'replace')),
  changes     jsonb NOT NULL,                     -- [{unit, from, to}]
  undone      boolean NOT NULL DEFAULT false      -- for kind 'edit': currently undone (on the redo stack)
);
CREATE INDEX plan_edits_plan ON plan_edits (plan_id, version);

CREATE TABLE jobs (
  id          text PRIMARY KEY,
  kind        text NOT NULL,                      -- partition | import
  status      text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  progress    real NOT NULL DEFAULT 0,            -- 0..1
  message     text,
  params      jsonb NOT NULL DEFAULT '{}'::jsonb,
  result      jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
