/**
 * Typed client of the party-building and credit-community API (/api/party…, /api/credit…). Writes
 * carry the CSRF header through sendJson.
 */
import type { FeatureCollection, Geometry } from 'geojson';
import type { CreditEntry, CreditGrid, CreditHousehold, EntryStatus, NewCreditEntry, ReviewAnswer } from '../../../common/http/credit';
import type { BranchProps, PartyCommunity, PartyGrid, PartyTeam, PartyVisitBody, ServingMember, TeamMember } from '../../../common/http/party';
import { getJson, sendJson } from './http';

export type { BranchProps, PartyBranch, PartyCommunity, PartyGrid, PartyTeam, PartyVisitBody, ServingMember, TeamMember } from '../../../common/http/party';
export type { CreditEntry, CreditGrid, CreditHousehold, EntryStatus, NewCreditEntry, Rating, ReviewAnswer } from '../../../common/http/credit';

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
  recordVisit: (v: PartyVisitBody) => sendJson<{ id: number }>('POST', '/api/party/visits', v),
  setBranchGrids: (id: string, grids: string[]) =>
    sendJson<{ id: string; grids: string[] }>('PUT', `/api/party/branches/${encodeURIComponent(id)}/grids`, { grids }),
  teamMembers: (teamId: number) => getJson<{ communityId: string; members: TeamMember[] }>(`/api/party/teams/${teamId}/members`),
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
    sendJson<ReviewAnswer>('POST', `/api/credit/entries/${id}/review`, {
      decision,
      version,
      ...(note ? { note } : {}),
    }),
};
