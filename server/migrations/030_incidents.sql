-- Incidents and hot spots: the grids in force, and indexes for filtering incidents.
--
-- current_grid_plans: per sub-district, the plan whose grids are in force: the published plan
-- covering it, else (no published plan) the newest non-archived plan covering it.
CREATE VIEW current_grid_plans AS
WITH pub AS (
  SELECT p.id, unnest(p.subdistricts) AS subdistrict_id FROM plans p WHERE p.status = 'published'
), fallback AS (
  SELECT DISTINCT ON (x.subdistrict_id) x.subdistrict_id, x.id
  FROM (SELECT p.id, unnest(p.subdistricts) AS subdistrict_id FROM plans p WHERE p.status <> 'archived') x
  WHERE NOT EXISTS (SELECT 1 FROM pub WHERE pub.subdistrict_id = x.subdistrict_id)
  ORDER BY x.subdistrict_id, x.id DESC
)
SELECT subdistrict_id, id AS plan_id FROM pub
UNION
SELECT subdistrict_id, id AS plan_id FROM fallback;

-- The grids in force (one plan per sub-district, see current_grid_plans).
CREATE VIEW current_grids AS
SELECT g.* FROM grids g
JOIN current_grid_plans c ON c.plan_id = g.plan_id AND c.subdistrict_id = g.subdistrict_id;

CREATE INDEX incidents_grid ON incidents (grid_code);
CREATE INDEX incidents_type_time ON incidents (type, occurred_at);
