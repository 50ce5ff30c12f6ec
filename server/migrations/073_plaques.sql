-- Party-member households that carry a plaque (挂牌). The rule: at least 20% of party-member
-- households carry one (a share of party-member households, not of all households).
ALTER TABLE households ADD COLUMN plaqued boolean NOT NULL DEFAULT false;
ALTER TABLE units ADD COLUMN plaqued_households integer NOT NULL DEFAULT 0 CHECK (plaqued_households >= 0);
-- current_units (071) froze the column list of units when it was created: recreate it with the new column
CREATE OR REPLACE VIEW current_units AS SELECT * FROM units WHERE retired_at IS NULL;
