-- Big party committee (大党委), issue H: the member units of a sub-district's joint committee
-- (172 in the bulletin) with location, contact and the resources they offer (the resource list),
-- the needs grids raise (the grid-needs list), and the service projects (43) and practical matters
-- (74: parking, blocked fire lanes) they take on, tracked to done. A need is matched to units that
-- offer its resource by walking distance over the street network (server/party/committee-match.ts).
-- The quarterly joint meeting lists what changed in the quarter from the dates kept here.
-- status: need open → matched (a matter or project took it on) → done | withdrawn;
--         project planned → in_progress → done.

CREATE TABLE committee_units (
  id             text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,40}$'),
  subdistrict_id text NOT NULL REFERENCES subdistricts(id) ON DELETE CASCADE,
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  kind           text NOT NULL CHECK (kind IN ('agency', 'enterprise', 'school', 'hospital', 'social_org', 'property')),
  -- the unit's contact office and its office line (an organisation's, not a person's)
  contact        text CHECK (length(contact) <= 100),
  phone          text CHECK (phone ~ '^[0-9-]{5,20}$'),
  joined_on      date NOT NULL,
  synthetic      boolean NOT NULL DEFAULT false,
  geom           geometry(Point, 4326) NOT NULL
);
CREATE INDEX committee_units_subdistrict ON committee_units (subdistrict_id);
CREATE INDEX committee_units_geom ON committee_units USING gist (geom);

-- the resource list: what each unit offers (one row per unit and category)
CREATE TABLE committee_resources (
  unit_id  text NOT NULL REFERENCES committee_units(id) ON DELETE CASCADE,
  category text NOT NULL CHECK (category IN ('venue', 'volunteers', 'parking', 'funding', 'medical', 'legal', 'education', 'repair', 'elderly', 'supplies')),
  detail   text CHECK (length(detail) <= 200),
  PRIMARY KEY (unit_id, category)
);
CREATE INDEX committee_resources_category ON committee_resources (category);

-- the grid-needs list
CREATE TABLE committee_needs (
  id          bigserial PRIMARY KEY,
  grid_code   text NOT NULL CHECK (grid_code ~ '^[0-9]{15}$'),
  category    text NOT NULL CHECK (category IN ('venue', 'volunteers', 'parking', 'funding', 'medical', 'legal', 'education', 'repair', 'elderly', 'supplies')),
  title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  detail      text CHECK (length(detail) <= 1000),
  status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'matched', 'done', 'withdrawn')),
  raised_by   text,
  user_id     bigint,
  version     integer NOT NULL DEFAULT 1,
  synthetic   boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  closed_at   timestamptz,
  geom        geometry(Point, 4326) NOT NULL
);
CREATE INDEX committee_needs_grid ON committee_needs (grid_code, status);

-- service projects (服务项目) and practical matters (为民办实事), tracked to done
CREATE TABLE committee_projects (
  id             bigserial PRIMARY KEY,
  kind           text NOT NULL CHECK (kind IN ('project', 'matter')),
  subdistrict_id text NOT NULL REFERENCES subdistricts(id) ON DELETE CASCADE,
  grid_code      text CHECK (grid_code ~ '^[0-9]{15}$'),
  title          text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  detail         text CHECK (length(detail) <= 1000),
  unit_id        text REFERENCES committee_units(id) ON DELETE SET NULL,
  need_id        bigint REFERENCES committee_needs(id) ON DELETE SET NULL,
  status         text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'in_progress', 'done')),
  version        integer NOT NULL DEFAULT 1,
  synthetic      boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  started_at     timestamptz,
  done_at        timestamptz,
  CHECK (grid_code IS NULL OR starts_with(grid_code, subdistrict_id)),
  CHECK ((status = 'done') = (done_at IS NOT NULL))
);
CREATE INDEX committee_projects_subdistrict ON committee_projects (subdistrict_id, status);
CREATE INDEX committee_projects_need ON committee_projects (need_id);
