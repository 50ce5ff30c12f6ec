-- Core geography of a district. Storage SRID 4326 (WGS84); metric work transforms to EPSG:4548.
-- Every generated feature carries synthetic = true.

CREATE TABLE subdistricts (
  id          text PRIMARY KEY,              -- e.g. '340802001'
  code        char(3) NOT NULL UNIQUE,       -- 3-digit sub-district part of grid codes
  name        text NOT NULL,                 -- 人民路街道
  name_en     text,
  kind        text NOT NULL CHECK (kind IN ('street', 'township')),
  urban       boolean NOT NULL DEFAULT true,
  households  integer NOT NULL DEFAULT 0,
  synthetic   boolean NOT NULL DEFAULT false,
  geom        geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX subdistricts_geom ON subdistricts USING gist (geom);

CREATE TABLE communities (
  id             text PRIMARY KEY,           -- subdistrict id + 3 digits, e.g. '340802001004'
  subdistrict_id text NOT NULL REFERENCES subdistricts(id),
  code           char(3) NOT NULL,
  name           text NOT NULL,
  households     integer NOT NULL DEFAULT 0,
  synthetic      boolean NOT NULL DEFAULT false,
  geom           geometry(MultiPolygon, 4326) NOT NULL,
  UNIQUE (subdistrict_id, code)
);
CREATE INDEX communities_geom ON communities USING gist (geom);

-- Street centre lines. class: arterial | secondary | local | lane | path | rail.
-- For partition barriers: arterial, secondary -> 'major'; local, lane, path -> 'minor'; rail -> 'rail'.
CREATE TABLE streets (
  id        text PRIMARY KEY,
  name      text,
  class     text NOT NULL CHECK (class IN ('arterial', 'secondary', 'local', 'lane', 'path', 'rail')),
  oneway    boolean NOT NULL DEFAULT false,
  source    text NOT NULL DEFAULT 'demo',
  synthetic boolean NOT NULL DEFAULT false,
  geom      geometry(LineString, 4326) NOT NULL
);
CREATE INDEX streets_geom ON streets USING gist (geom);

CREATE TABLE water (
  id        text PRIMARY KEY,
  name      text,
  kind      text NOT NULL DEFAULT 'river',   -- river | lake | canal
  synthetic boolean NOT NULL DEFAULT false,
  geom      geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX water_geom ON water USING gist (geom);

-- Faces of the street network inside one sub-district.
CREATE TABLE blocks (
  id             text PRIMARY KEY,
  subdistrict_id text NOT NULL REFERENCES subdistricts(id),
  community_id   text REFERENCES communities(id),
  synthetic      boolean NOT NULL DEFAULT false,
  geom           geometry(Polygon, 4326) NOT NULL
);
CREATE INDEX blocks_geom ON blocks USING gist (geom);

-- 小区 residential compounds and other sites. kind: compound | old_town | school | park | commercial | public
CREATE TABLE compounds (
  id             text PRIMARY KEY,
  name           text NOT NULL,
  kind           text NOT NULL,
  subdistrict_id text NOT NULL REFERENCES subdistricts(id),
  community_id   text REFERENCES communities(id),
  households     integer NOT NULL DEFAULT 0,
  synthetic      boolean NOT NULL DEFAULT false,
  geom           geometry(Polygon, 4326) NOT NULL
);
CREATE INDEX compounds_geom ON compounds USING gist (geom);

-- use: residential | mixed | commercial | school | public
CREATE TABLE buildings (
  id             text PRIMARY KEY,
  compound_id    text REFERENCES compounds(id),
  block_id       text REFERENCES blocks(id),
  subdistrict_id text REFERENCES subdistricts(id),
  community_id   text REFERENCES communities(id),
  use            text NOT NULL DEFAULT 'residential',
  floors         integer NOT NULL DEFAULT 1,
  households     integer NOT NULL DEFAULT 0,
  height_m       real,
  source         text NOT NULL DEFAULT 'demo',
  synthetic      boolean NOT NULL DEFAULT false,
  geom           geometry(Polygon, 4326) NOT NULL
);
CREATE INDEX buildings_geom ON buildings USING gist (geom);

-- Partition units: small polygons (parcels / tessellation cells) that together cover the land.
CREATE TABLE units (
  id             text PRIMARY KEY,
  subdistrict_id text NOT NULL REFERENCES subdistricts(id),
  community_id   text REFERENCES communities(id),
  compound_id    text REFERENCES compounds(id),
  block_id       text REFERENCES blocks(id),
  households     integer NOT NULL DEFAULT 0 CHECK (households >= 0),
  buildings      integer NOT NULL DEFAULT 0,
  party_households integer NOT NULL DEFAULT 0,
  synthetic      boolean NOT NULL DEFAULT false,
  geom           geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX units_geom ON units USING gist (geom);
CREATE INDEX units_subdistrict ON units (subdistrict_id);

CREATE TABLE shops (
  id             text PRIMARY KEY,
  name           text NOT NULL,
  category       text,
  phone          text,
  building_id    text REFERENCES buildings(id),
  street_id      text REFERENCES streets(id),
  subdistrict_id text REFERENCES subdistricts(id),
  community_id   text REFERENCES communities(id),
  synthetic      boolean NOT NULL DEFAULT false,
  geom           geometry(Point, 4326) NOT NULL
);
CREATE INDEX shops_geom ON shops USING gist (geom);

-- Household-level personal data (privacy: never sent to roles that do not need it).
-- kind: party_member (党员户 plaque) ; credit ratings are in credit_rating (A | 2A | 3A or NULL).
CREATE TABLE households (
  id             text PRIMARY KEY,
  building_id    text REFERENCES buildings(id),
  unit_id        text REFERENCES units(id),
  head_name      text,
  phone          text,
  party_member   boolean NOT NULL DEFAULT false,
  credit_rating  text CHECK (credit_rating IN ('A', '2A', '3A')),
  synthetic      boolean NOT NULL DEFAULT false,
  geom           geometry(Point, 4326) NOT NULL
);
CREATE INDEX households_geom ON households USING gist (geom);

-- type: public_order | fire_risk | dispute | environment | facilities | other
CREATE TABLE incidents (
  id             text PRIMARY KEY,
  type           text NOT NULL,
  occurred_at    timestamptz NOT NULL,
  source         text NOT NULL DEFAULT 'grid_visit',
  subdistrict_id text REFERENCES subdistricts(id),
  grid_code      text,
  synthetic      boolean NOT NULL DEFAULT false,
  geom           geometry(Point, 4326) NOT NULL
);
CREATE INDEX incidents_geom ON incidents USING gist (geom);
CREATE INDEX incidents_time ON incidents (occurred_at);

-- 街居吹哨、部门报到 matters. kind: quick | emergency | tackle_hard (NULL while not whistled)
-- status: reported -> dispatched (whistled) -> accepted -> feedback -> solved -> evaluated ; or closed_at grid level
CREATE TABLE cases (
  id             text PRIMARY KEY,
  title          text NOT NULL,
  incident_id    text REFERENCES incidents(id),
  whistled       boolean NOT NULL DEFAULT false,
  kind           text CHECK (kind IN ('quick', 'emergency', 'tackle_hard')),
  department     text,
  status         text NOT NULL,
  subdistrict_id text REFERENCES subdistricts(id),
  grid_code      text,
  reported_at    timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  version        integer NOT NULL DEFAULT 1,
  synthetic      boolean NOT NULL DEFAULT false,
  geom           geometry(Point, 4326) NOT NULL
);
CREATE INDEX cases_geom ON cases USING gist (geom);

CREATE TABLE case_events (
  id       bigserial PRIMARY KEY,
  case_id  text NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  status   text NOT NULL,
  at       timestamptz NOT NULL,
  actor    text NOT NULL,
  note     text
);
CREATE INDEX case_events_case ON case_events (case_id, at);
