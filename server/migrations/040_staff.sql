-- "1+3" grid staff roster: one grid leader (网格长) and three grid members (网格员) per grid.
-- Staff are attached to a grid code (codes are stable across plan versions); a NULL grid_code is
-- an unassigned person. Phone numbers are personal data: served to planners and admins only.
CREATE TABLE staff (
  id         bigserial PRIMARY KEY,
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  role       text NOT NULL CHECK (role IN ('leader', 'member')),
  phone      text,
  grid_code  text CHECK (grid_code ~ '^[0-9]{15}$'),
  synthetic  boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staff_grid ON staff (grid_code);
