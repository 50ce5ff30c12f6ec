-- Party building (党建引领): the community party committee (one per community: the community row
-- itself) → compound / grid party branches (小区(网格)党支部, attached to grid codes, which are
-- stable across plan versions) → party-member households (households.party_member, plaqued: 073).
-- Community party work teams (社区党建工作队) with serving party members, each linked to 1-2 grids,
-- and their visits to those grids (counted per grid and quarter).
CREATE TABLE party_branches (
  id           text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,40}$'),
  community_id text NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  kind         text NOT NULL CHECK (kind IN ('compound', 'grid')),
  secretary    text CHECK (length(secretary) <= 100),
  synthetic    boolean NOT NULL DEFAULT false
);
CREATE INDEX party_branches_community ON party_branches (community_id);

-- a grid belongs to at most one branch
CREATE TABLE party_branch_grids (
  grid_code text PRIMARY KEY CHECK (grid_code ~ '^[0-9]{15}$'),
  branch_id text NOT NULL REFERENCES party_branches(id) ON DELETE CASCADE
);
CREATE INDEX party_branch_grids_branch ON party_branch_grids (branch_id);

CREATE TABLE party_work_teams (
  id           bigserial PRIMARY KEY,
  community_id text NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  synthetic    boolean NOT NULL DEFAULT false
);
CREATE INDEX party_work_teams_community ON party_work_teams (community_id);

-- serving party members (报到党员) of a team
CREATE TABLE party_team_members (
  id        bigserial PRIMARY KEY,
  team_id   bigint NOT NULL REFERENCES party_work_teams(id) ON DELETE CASCADE,
  name      text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  synthetic boolean NOT NULL DEFAULT false
);
CREATE INDEX party_team_members_team ON party_team_members (team_id);

-- the 1-2 grids a serving member is linked to (the "at most 2" rule is checked on write)
CREATE TABLE party_member_grids (
  member_id bigint NOT NULL REFERENCES party_team_members(id) ON DELETE CASCADE,
  grid_code text NOT NULL CHECK (grid_code ~ '^[0-9]{15}$'),
  PRIMARY KEY (member_id, grid_code)
);
CREATE INDEX party_member_grids_grid ON party_member_grids (grid_code);

-- a serving member's visit to one of their grids (quarterly rule: at least one per linked grid)
CREATE TABLE party_visits (
  id          bigserial PRIMARY KEY,
  member_id   bigint NOT NULL REFERENCES party_team_members(id) ON DELETE CASCADE,
  grid_code   text NOT NULL CHECK (grid_code ~ '^[0-9]{15}$'),
  visited_on  date NOT NULL,
  note        text CHECK (length(note) <= 500),
  recorded_by text,
  synthetic   boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX party_visits_grid ON party_visits (grid_code, visited_on);
