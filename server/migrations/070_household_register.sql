-- The household register (住户登记) as imported: one row per household or per building, placed
-- by its coordinates (any datum, stored in WGS84) or by its address matched to an imported
-- building (compound name + building number). The units job counts households from here; a
-- register row is never dropped: a row that cannot be placed is rejected by the import and listed.
CREATE TABLE household_register (
  id               bigserial PRIMARY KEY,
  import_id        text NOT NULL,                 -- the import (file) that wrote the row
  row_ref          text NOT NULL,                 -- 'line 17' (CSV) or 'row 17' (XLSX) of that file
  building_ref     text,                          -- 楼栋编号 as written in the register
  compound_name    text,                          -- 小区 as written
  address          text,
  households       integer NOT NULL CHECK (households >= 0),
  party_households integer NOT NULL DEFAULT 0 CHECK (party_households >= 0),
  building_id      text REFERENCES buildings(id) ON DELETE SET NULL,
  subdistrict_id   text REFERENCES subdistricts(id),
  located_by       text NOT NULL CHECK (located_by IN ('coordinates', 'address')),
  synthetic        boolean NOT NULL DEFAULT false,
  geom             geometry(Point, 4326) NOT NULL
);
CREATE INDEX household_register_geom ON household_register USING gist (geom);
CREATE INDEX household_register_subdistrict ON household_register (subdistrict_id);
CREATE INDEX household_register_import ON household_register (import_id);

-- Imported footprints may carry a building number, a compound name and households.
ALTER TABLE buildings ADD COLUMN label text;           -- building number (楼栋号), e.g. '3栋'
ALTER TABLE buildings ADD COLUMN compound_name text;   -- compound (小区) name as imported
