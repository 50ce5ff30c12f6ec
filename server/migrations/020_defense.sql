-- Ten-shop joint-defense groups (党建+十户联防), their equipment, drills, patrol logs, weekly patrol
-- schedule and patrol routes (issue D).
-- No foreign keys to the core tables (shops, subdistricts): the demo loader truncates those; rows
-- pointing at shops that no longer exist are ignored on read and cleared by the next grouping.

-- One row per sub-district: the version of its grouping (bumped by every membership change).
CREATE TABLE defense_sets (
  subdistrict_id text PRIMARY KEY,
  version        integer NOT NULL DEFAULT 1,
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE defense_groups (
  id               text PRIMARY KEY,              -- grid code (or sub-district id) + '-' + 3-digit sequence
  subdistrict_id   text NOT NULL,
  grid_code        text,                          -- NULL when grouped without grids / across grids
  name             text NOT NULL,
  leader_shop_id   text NOT NULL,
  diameter_m       real,                          -- largest walking distance between two members
  mean_pair_m      real,
  max_response_s   real,                          -- slowest member walking to the leader
  version          integer NOT NULL DEFAULT 1,    -- row version (name / notes edits)
  synthetic        boolean NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX defense_groups_subdistrict ON defense_groups (subdistrict_id);

-- A shop belongs to at most one group.
CREATE TABLE defense_members (
  shop_id   text PRIMARY KEY,
  group_id  text NOT NULL REFERENCES defense_groups(id) ON DELETE CASCADE
);
CREATE INDEX defense_members_group ON defense_members (group_id);

-- Membership history per sub-district (what changed since a version: the 409 answer).
CREATE TABLE defense_edits (
  id              bigserial PRIMARY KEY,
  subdistrict_id  text NOT NULL,
  version         integer NOT NULL,              -- the version this edit produced
  author          text NOT NULL,
  at              timestamptz NOT NULL DEFAULT now(),
  kind            text NOT NULL CHECK (kind IN ('auto', 'move', 'swap', 'leader')),
  changes         jsonb NOT NULL                 -- [{shop, from, to}] or [{group, leader_from, leader_to}]
);
CREATE INDEX defense_edits_sub ON defense_edits (subdistrict_id, version);

-- kind: steel_fork | shield | long_stick | whistle | armband | other
CREATE TABLE defense_equipment (
  id         bigserial PRIMARY KEY,
  group_id   text NOT NULL REFERENCES defense_groups(id) ON DELETE CASCADE,
  kind       text NOT NULL CHECK (kind IN ('steel_fork', 'shield', 'long_stick', 'whistle', 'armband', 'other')),
  quantity   integer NOT NULL CHECK (quantity >= 0),
  note       text,
  version    integer NOT NULL DEFAULT 1,
  synthetic  boolean NOT NULL DEFAULT false
);
CREATE INDEX defense_equipment_group ON defense_equipment (group_id);

CREATE TABLE defense_drills (
  id            bigserial PRIMARY KEY,
  group_id      text NOT NULL REFERENCES defense_groups(id) ON DELETE CASCADE,
  held_on       date NOT NULL,
  partner       text,                            -- e.g. the police station
  participants  integer CHECK (participants >= 0),
  note          text,
  version       integer NOT NULL DEFAULT 1,
  synthetic     boolean NOT NULL DEFAULT false
);
CREATE INDEX defense_drills_group ON defense_drills (group_id, held_on);

CREATE TABLE patrol_routes (
  id          bigserial PRIMARY KEY,
  group_id    text REFERENCES defense_groups(id) ON DELETE SET NULL,
  subdistrict_id text,
  name        text NOT NULL,
  closed      boolean NOT NULL DEFAULT true,
  stops       jsonb NOT NULL,                    -- [{id, lon, lat}] in patrol order
  length_m    real NOT NULL,
  duration_s  real NOT NULL,
  synthetic   boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  geom        geometry(LineString, 4326) NOT NULL
);
CREATE INDEX patrol_routes_group ON patrol_routes (group_id);

-- Routine patrol log entries.
CREATE TABLE patrol_logs (
  id            bigserial PRIMARY KEY,
  group_id      text NOT NULL REFERENCES defense_groups(id) ON DELETE CASCADE,
  patrolled_at  timestamptz NOT NULL,
  patrollers    text NOT NULL,
  route_id      bigint REFERENCES patrol_routes(id) ON DELETE SET NULL,
  note          text,
  version       integer NOT NULL DEFAULT 1,
  synthetic     boolean NOT NULL DEFAULT false
);
CREATE INDEX patrol_logs_group ON patrol_logs (group_id, patrolled_at);

-- Weekly patrol plan: who patrols when. weekday 1 = Monday … 7 = Sunday; times 'HH:MM'.
CREATE TABLE patrol_schedule (
  id          bigserial PRIMARY KEY,
  group_id    text NOT NULL REFERENCES defense_groups(id) ON DELETE CASCADE,
  weekday     smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  start_time  text NOT NULL CHECK (start_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  end_time    text NOT NULL CHECK (end_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  patrollers  text NOT NULL,
  route_id    bigint REFERENCES patrol_routes(id) ON DELETE SET NULL,
  note        text,
  version     integer NOT NULL DEFAULT 1,
  synthetic   boolean NOT NULL DEFAULT false
);
CREATE INDEX patrol_schedule_group ON patrol_schedule (group_id, weekday);
