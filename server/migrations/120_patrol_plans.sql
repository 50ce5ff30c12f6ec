-- Weekly patrol plans generated from the hot spots (issue J): one plan per sub-district and week,
-- its patrols (group, slot, stops, route along the streets), and patrol logs linked to the planned
-- patrol they carried out. A published plan is the one in force for its week; publishing archives
-- the week's earlier published plan of the sub-district.
CREATE TABLE patrol_plans (
  id              bigserial PRIMARY KEY,
  subdistrict_id  text NOT NULL,
  week_start      date NOT NULL,                  -- the Monday of the planned week
  status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
  params          jsonb NOT NULL,                 -- walking budget, length limit, patrols per group, slot hours, periods, filters
  zones           jsonb NOT NULL,                 -- hot zones: id, kinds, stop, peaks, reach, patrolled
  uncovered       jsonb NOT NULL,                 -- [{id, reason}]
  coverage        jsonb NOT NULL,                 -- {generated, current, random}: held-out coverage figures
  version         integer NOT NULL DEFAULT 1,
  created_by      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  published_at    timestamptz
);
CREATE INDEX patrol_plans_sub_week ON patrol_plans (subdistrict_id, week_start);

CREATE TABLE patrol_plan_patrols (
  id          bigserial PRIMARY KEY,
  plan_id     bigint NOT NULL REFERENCES patrol_plans(id) ON DELETE CASCADE,
  group_id    text NOT NULL,
  weekday     smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  start_hour  smallint NOT NULL CHECK (start_hour BETWEEN 0 AND 23),
  hours       smallint NOT NULL CHECK (hours BETWEEN 1 AND 12),
  zones       jsonb NOT NULL,                     -- zone ids in patrol order
  stops       jsonb NOT NULL,                     -- [{id, lon, lat}]: the leader's shop, then the zones' stops
  length_m    real NOT NULL,
  duration_s  real NOT NULL,
  expected    real NOT NULL DEFAULT 0,            -- incidents per week expected within reach of its zones in its hours
  geom        geometry(LineString, 4326) NOT NULL
);
CREATE INDEX patrol_plan_patrols_plan ON patrol_plan_patrols (plan_id);
CREATE INDEX patrol_plan_patrols_group ON patrol_plan_patrols (group_id);

ALTER TABLE patrol_logs ADD COLUMN planned_patrol_id bigint REFERENCES patrol_plan_patrols(id) ON DELETE SET NULL;
