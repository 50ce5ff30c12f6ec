-- Whether a street divides land when units are built: tunnels and elevated roads do not (the ground
-- above or below stays one piece). Set by the import from the line's tags (algorithms/units/street-roles.ts).
ALTER TABLE streets ADD COLUMN divides boolean NOT NULL DEFAULT true;
