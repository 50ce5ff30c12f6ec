-- Grid members in the field and one ledger per grid (一格一账本), issue H.
-- Visits (start/end time, GPS point or map tap, building / household, note, optional photo),
-- photos (resized on the device; size-limited here too), and ledger entries: basic-information
-- records (households checked, changes found), disputes (矛盾纠纷) with their outcome, volunteer
-- activities. Matters reported are whistle cases (cases.grid_code). Every write from a device
-- carries client_key (a UUID made on the device): a retried or re-synced entry is stored once.
-- visitor / author are names as shown (a user's display name or a synthetic roster name);
-- user_id / staff_id are plain ids without foreign keys (rows outlive users and rosters).

CREATE TABLE field_photos (
  id         bigserial PRIMARY KEY,
  client_key text UNIQUE,
  grid_code  text NOT NULL CHECK (grid_code ~ '^[0-9]{15}$'),
  mime       text NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp')),
  bytes      bytea NOT NULL CHECK (octet_length(bytes) <= 409600),
  created_by bigint,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE field_visits (
  id           bigserial PRIMARY KEY,
  client_key   text UNIQUE,
  grid_code    text NOT NULL CHECK (grid_code ~ '^[0-9]{15}$'),
  user_id      bigint,
  staff_id     bigint,
  visitor      text NOT NULL CHECK (length(visitor) BETWEEN 1 AND 100),
  started_at   timestamptz NOT NULL,
  ended_at     timestamptz NOT NULL,
  building_id  text,
  household_id text,
  place        text CHECK (length(place) <= 200),
  note         text CHECK (length(note) <= 2000),
  photo_id     bigint REFERENCES field_photos(id),
  synthetic    boolean NOT NULL DEFAULT false,
  created_at   timestamptz NOT NULL DEFAULT now(),
  geom         geometry(Point, 4326),
  CHECK (ended_at >= started_at AND ended_at - started_at <= interval '12 hours')
);
CREATE INDEX field_visits_grid_time ON field_visits (grid_code, started_at);
CREATE INDEX field_visits_time ON field_visits (started_at);

CREATE TABLE ledger_entries (
  id          bigserial PRIMARY KEY,
  client_key  text UNIQUE,
  grid_code   text NOT NULL CHECK (grid_code ~ '^[0-9]{15}$'),
  kind        text NOT NULL CHECK (kind IN ('basic_info', 'dispute', 'volunteer')),
  title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  detail      text CHECK (length(detail) <= 2000),
  -- disputes: NULL while open; mediated | referred | withdrawn once settled
  outcome     text CHECK (outcome IN ('mediated', 'referred', 'withdrawn')),
  -- basic information: households checked and changes found by this record
  households  integer NOT NULL DEFAULT 0 CHECK (households BETWEEN 0 AND 10000),
  changes     integer NOT NULL DEFAULT 0 CHECK (changes BETWEEN 0 AND 10000),
  occurred_at timestamptz NOT NULL,
  user_id     bigint,
  author      text NOT NULL,
  version     integer NOT NULL DEFAULT 1,
  synthetic   boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_grid ON ledger_entries (grid_code, kind, occurred_at);
CREATE INDEX cases_grid_code ON cases (grid_code);
