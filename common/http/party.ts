/**
 * Party building over HTTP (/api/party…): party-member households and plaques per grid, branches
 * per community, work teams and their serving members, visits, the branch layer. The server's party
 * queries and routes and the client's api/party.ts use these. Counts of 1-4 are null (small-count
 * suppression) except for admins.
 */

/** Plaqued party-member households a grid or branch should reach (20 %). */
export const PLAQUE_MIN_SHARE = 0.2;

export interface PartyGrid {
  code: string;
  communityId: string | null;
  subdistrictId: string;
  households: number;
  partyHouseholds: number;
  /** null: fewer than 5 party-member households (small-count suppression), except for admins */
  plaqued: number | null;
  share: number | null;
  meets: boolean | null;
  branchId: string | null;
  /** serving party members linked to the grid */
  servingMembers: number;
  /** their visits to the grid in the quarter */
  visits: number;
  /** linked members who visited the grid at least once in the quarter */
  membersVisited: number;
}

/** Party-member households and plaques of a branch or community (null: suppressed). */
export interface PartyTotals {
  partyHouseholds: number;
  plaqued: number | null;
  share: number | null;
  meets: boolean | null;
}

export interface PartyBranch extends PartyTotals {
  id: string;
  name: string;
  kind: 'compound' | 'grid';
  secretary: string | null;
  grids: PartyGrid[];
}

export interface PartyCommunity extends PartyTotals {
  id: string;
  name: string;
  subdistrictId: string;
  subdistrictName: string;
  /** 社区党委 */
  committee: string;
  teams: number;
  branches: PartyBranch[];
  /** grids in force attached to no branch */
  unattached: PartyGrid[];
}

export interface PartyTeam {
  id: number;
  name: string;
  communityId: string;
  communityName: string;
  members: number;
  grids: string[];
  /** visits by the team's members in the quarter */
  visits: number;
  /** members with at least one visit to each of their grids in the quarter */
  membersDone: number;
}

export interface ServingMember {
  id: number;
  /** null unless the reader may see names (admins, the grid's own staff) */
  name: string | null;
  teamId: number;
  teamName: string;
  grids: string[];
  /** visits to this grid in the quarter */
  visits: number;
  lastVisit: string | null;
}

/** A serving member of a team (GET /api/party/teams/:id/members). */
export interface TeamMember {
  id: number;
  /** null unless the reader is an admin (party membership is personal data) */
  name: string | null;
  grids: string[];
}

/** Body of POST /api/party/visits. */
export interface PartyVisitBody {
  memberId: number;
  grid: string;
  visitedOn: string;
  note?: string;
}

/** Properties of a branch of GET /api/party/branches/geojson. */
export interface BranchProps {
  id: string;
  name: string;
  kind: string;
  community_id: string;
  /** its grid codes, comma-separated */
  grids: string;
  party_households: number;
  plaqued: number | null;
  share: number | null;
  meets: boolean | null;
  visits: number;
  label_lon: number;
  label_lat: number;
  [key: string]: unknown;
}
