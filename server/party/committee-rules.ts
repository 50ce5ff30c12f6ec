/**
 * Big party committee (大党委) rules, pure (no I/O): the resource categories units offer and grids
 * need, the project / practical-matter states and their allowed moves, and how the units that offer
 * a needed resource are ranked by walking distance.
 */

import { NEED_STATUSES, PROJECT_KINDS, PROJECT_STATUSES, RESOURCE_CATEGORIES, UNIT_KINDS } from '../../common/http/committee';
import type { NeedStatus, ProjectKind, ProjectStatus, ResourceCategory, UnitKind } from '../../common/http/committee';

/** The categories, kinds and states (common/http/committee.ts, shared with the client). */
export { NEED_STATUSES, PROJECT_KINDS, PROJECT_STATUSES, RESOURCE_CATEGORIES, UNIT_KINDS };
export type { NeedStatus, ProjectKind, ProjectStatus, ResourceCategory, UnitKind };

/** Moves a project may make: forward only (planned → in progress → done; planned → done directly). */
export function projectMoveProblem(from: ProjectStatus, to: ProjectStatus): string | null {
  if (from === to) return `项目已是该状态 (the project already has this status)`;
  if (from === 'done') return '项目已办结，不能再改状态 (the project is finished; its status cannot change any more)';
  if (from === 'in_progress' && to === 'planned') return '进行中的项目不能退回计划 (a project in progress cannot go back to planned)';
  return null;
}

/** Walking distance limit for a match (metres): farther units are not "nearby". */
export const MATCH_MAX_WALK_M = 3000;
/** Straight-line pre-filter for candidates (metres): a walk is never shorter than the crow flies. */
export const MATCH_MAX_STRAIGHT_M = MATCH_MAX_WALK_M;
/** At most this many units are proposed for a need. */
export const MATCH_LIMIT = 8;

export interface MatchCandidate {
  unitId: string;
  /** metres along the street network (Infinity: not reachable, or beyond the search bound) */
  walkM: number;
  /** metres as the crow flies */
  straightM: number;
}

/**
 * The units to propose for a need: reachable within `maxWalkM` on foot, nearest walk first (ties by
 * straight line, then id, so the answer is stable), at most `limit`.
 */
export function rankMatches<T extends MatchCandidate>(candidates: readonly T[], maxWalkM = MATCH_MAX_WALK_M, limit = MATCH_LIMIT): T[] {
  return candidates
    .filter((c) => Number.isFinite(c.walkM) && c.walkM <= maxWalkM)
    .sort((a, b) => a.walkM - b.walkM || a.straightM - b.straightM || (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0))
    .slice(0, limit);
}

/** Minutes on foot at 1.2 m/s (the routing code's walking speed), rounded up. */
export function walkMinutes(metres: number, speedMps = 1.2): number {
  return Math.ceil(metres / speedMps / 60);
}
