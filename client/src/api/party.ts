/**
 * Typed client of the party-building and credit-community API (/api/party…, /api/credit…). Writes
 * carry the CSRF header through sendJson.
 */
import type { FeatureCollection, Geometry } from 'geojson';
import { getJson, sendJson } from './http';

export interface PartyGrid {
  code: string;
  communityId: string | null;
  subdistrictId: string;
  households: number;
  partyHouseholds: number;
  plaqued: number | null;
  share: number | null;
  meets: boolean | null;
  branchId: string | null;
  servingMembers: number;
  visits: number;
  membersVisited: number;
}

interface Totals {
  partyHouseholds: number;
  plaqued: number | null;
  share: number | null;
  meets: boolean | null;
}

export interface PartyBranch extends Totals {
  id: string;
  name: string;
  kind: 'compound' | 'grid';
  secretary: string | null;
  grids: PartyGrid[];
}

export interface PartyCommunity extends Totals {
  id: string;
  name: string;
  subdistrictId: string;
  subdistrictName: string;
  committee: string;
  teams: number;
  branches: PartyBranch[];
  unattached: PartyGrid[];
}

export interface PartyTeam {
  id: number;
  name: string;
  communityId: string;
  communityName: string;
  members: number;
  grids: string[];
  visits: number;
  membersDone: number;
}

export interface ServingMember {
  id: number;
  name: string | null;
  teamId: number;
  teamName: string;
  grids: string[];
  visits: number;
  lastVisit: string | null;
}

export interface BranchProps {
  id: string;
  name: string;
  kind: string;
  community_id: string;
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

export type Rating = 'A' | '2A' | '3A';
export type EntryStatus = 'declared' | 'approved' | 'rejected' | 'recorded' | 'confirmed' | 'dismissed';

export interface CreditGrid {
  code: string;
  subdistrictId: string;
  communityId: string | null;
  households: number;
  rated: number | null;
  a: number | null;
  aa: number | null;
  aaa: number | null;
  ratedShare: number | null;
  pendingMerits: number;
  pendingDemerits: number;
}

export interface CreditHousehold {
  id: string;
  headName: string | null;
  rating: Rating | null;
  score: number;
  pending: number;
}

export interface CreditEntry {
  id: number;
  householdId: string;
  headName: string | null;
  gridCode: string | null;
  kind: 'merit' | 'demerit';
  category: string;
  points: number;
  status: EntryStatus;
  note: string | null;
  occurredOn: string;
  createdBy: number | null;
  reviewedBy: number | null;
  reviewedAt: string | null;
  reviewNote: string | null;
  version: number;
}

export interface NewCreditEntry {
  household: string;
  kind: 'merit' | 'demerit';
  category: string;
  occurredOn: string;
  note?: string;
}

const qs = (o: Record<string, string | undefined>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
};

export const partyApi = {
  grids: (prefix?: string) => getJson<{ quarter: string; minShare: number; grids: PartyGrid[] }>(`/api/party/grids${qs({ prefix })}`),
  branches: (prefix?: string) => getJson<{ quarter: string; minShare: number; communities: PartyCommunity[] }>(`/api/party/branches${qs({ prefix })}`),
  branchLayer: () => getJson<FeatureCollection<Geometry, BranchProps>>('/api/party/branches/geojson'),
  teams: (prefix?: string) => getJson<{ quarter: string; teams: PartyTeam[] }>(`/api/party/teams${qs({ prefix })}`),
  gridMembers: (grid: string) => getJson<{ quarter: string; members: ServingMember[] }>(`/api/party/grids/${grid}/members`),
  recordVisit: (v: { memberId: number; grid: string; visitedOn: string; note?: string }) => sendJson<{ id: number }>('POST', '/api/party/visits', v),
  setBranchGrids: (id: string, grids: string[]) =>
    sendJson<{ id: string; grids: string[] }>('PUT', `/api/party/branches/${encodeURIComponent(id)}/grids`, { grids }),
  teamMembers: (teamId: number) =>
    getJson<{ communityId: string; members: Array<{ id: number; name: string | null; grids: string[] }> }>(`/api/party/teams/${teamId}/members`),
  setMemberGrids: (id: number, grids: string[]) => sendJson<{ id: number; grids: string[] }>('PUT', `/api/party/members/${id}/grids`, { grids }),
};

export const creditApi = {
  grids: (prefix?: string) => getJson<{ grids: CreditGrid[] }>(`/api/credit/grids${qs({ prefix })}`),
  households: (grid: string) => getJson<{ households: CreditHousehold[] }>(`/api/credit/grids/${grid}/households`),
  entries: (f: { grid?: string; household?: string; status?: EntryStatus[]; limit?: number }) => {
    const p = new URLSearchParams();
    if (f.grid) p.set('grid', f.grid);
    if (f.household) p.set('household', f.household);
    for (const s of f.status ?? []) p.append('status', s);
    if (f.limit) p.set('limit', String(f.limit));
    return getJson<{ total: number; items: CreditEntry[] }>(`/api/credit/entries?${p.toString()}`);
  },
  create: (e: NewCreditEntry) => sendJson<CreditEntry>('POST', '/api/credit/entries', e),
  review: (id: number, decision: 'approve' | 'reject', version: number, note?: string) =>
    sendJson<{ entry: CreditEntry; rating: { before: Rating | null; after: Rating | null; score: number } }>('POST', `/api/credit/entries/${id}/review`, {
      decision,
      version,
      ...(note ? { note } : {}),
    }),
};
