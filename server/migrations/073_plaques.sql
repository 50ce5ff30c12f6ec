-- Party-member households that carry a plaque (挂牌). The rule: at least 20% of party-member
-- households carry one (a share of party-member households, not of all households).
ALTER TABLE households ADD COLUMN plaqued boolean NOT NULL DEFAULT false;
ALTER TABLE units ADD COLUMN plaqued_households integer NOT NULL DEFAULT 0 CHECK (plaqued_households >= 0);
