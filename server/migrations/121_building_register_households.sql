-- The households the household register attributes to each building, set at every register or
-- buildings import by server/import/register-link.ts (the footprint's own `households` is kept):
-- NULL when no register row is in the building's sub-district (the footprint's households stand),
-- else the households of the register rows attached to it (matched by address, point in the
-- footprint, or nearest footprint within 20 m), possibly 0. Readers take
-- COALESCE(register_households, households) (buildingHouseholds() in register-link.ts).
ALTER TABLE buildings ADD COLUMN register_households integer CHECK (register_households >= 0);
-- Deleting buildings (a re-import of their file) sets household_register.building_id NULL: without
-- this index each deleted building scanned the whole register (16.7k buildings over a 150k-row
-- register: minutes).
CREATE INDEX household_register_building ON household_register (building_id);

-- Districts imported before this migration: the statement of register-link.ts over every sub-district.
WITH a AS (
  SELECT r.subdistrict_id, r.households, COALESCE(
      (SELECT b.id FROM buildings b WHERE b.id = r.building_id AND b.subdistrict_id = r.subdistrict_id),
      (SELECT b.id FROM buildings b
        WHERE b.geom && r.geom AND ST_Intersects(b.geom, r.geom) AND b.subdistrict_id = r.subdistrict_id
        ORDER BY b.id LIMIT 1),
      (SELECT b.id FROM buildings b
        WHERE b.geom && ST_Expand(r.geom, 0.0002 / cos(radians(ST_Y(r.geom))), 0.0002) AND b.subdistrict_id = r.subdistrict_id
          AND ST_DWithin(b.geom::geography, r.geom::geography, 20)
        ORDER BY b.geom <-> r.geom, b.id LIMIT 1)) AS building_id
  FROM household_register r WHERE r.subdistrict_id IS NOT NULL
), covered AS (
  SELECT DISTINCT subdistrict_id FROM a
), sums AS (
  SELECT building_id, sum(households)::int AS hh FROM a WHERE building_id IS NOT NULL GROUP BY building_id
), v AS (
  SELECT b.id, COALESCE(s.hh, 0) AS hh
  FROM buildings b JOIN covered c ON c.subdistrict_id = b.subdistrict_id LEFT JOIN sums s ON s.building_id = b.id
)
UPDATE buildings b SET register_households = v.hh FROM v WHERE b.id = v.id;
