/**
 * Credit community (信用社区) rules, pure (no I/O): the categories and their points, the rating a
 * household's reviewed entries give, and the review state machine (who may take which step).
 *
 * Rating (the bulletin names the grades, not the thresholds; ours): score = points of approved merits
 * − points of confirmed demerits; A from 10, 2A from 20, 3A from 30 points; a household with any
 * confirmed demerit is capped at 2A. Pending (declared / recorded) and refused entries count nothing.
 */
import type { CreditEntryKind, Decision, EntryStatus, Rating } from '../../common/http/credit';
import type { Role } from '../../common/http/roles';

export const MERIT_CATEGORIES = { volunteering: 5, deliberation: 3, asset_report: 4 } as const;
export const DEMERIT_CATEGORIES = { convention: 5, public_order: 10 } as const;
export type MeritCategory = keyof typeof MERIT_CATEGORIES;
export type DemeritCategory = keyof typeof DEMERIT_CATEGORIES;
export type EntryKind = CreditEntryKind;
export type { EntryStatus, Rating };

export const RATING_THRESHOLDS: ReadonlyArray<[Rating, number]> = [
  ['3A', 30],
  ['2A', 20],
  ['A', 10],
];

/** Points of a category of the given kind (null: no such category). */
export function pointsOf(kind: EntryKind, category: string): number | null {
  const table: Record<string, number> = kind === 'merit' ? MERIT_CATEGORIES : DEMERIT_CATEGORIES;
  return Object.hasOwn(table, category) ? table[category] : null;
}

/** The status a new entry starts in. */
export const initialStatus = (kind: EntryKind): EntryStatus => (kind === 'merit' ? 'declared' : 'recorded');

export interface ScoredEntry {
  kind: EntryKind;
  status: EntryStatus;
  points: number;
}

/** Score and rating of one household from its entries. */
export function ratingOf(entries: readonly ScoredEntry[]): { score: number; rating: Rating | null } {
  let score = 0;
  let demerit = false;
  for (const e of entries) {
    if (e.kind === 'merit' && e.status === 'approved') score += e.points;
    if (e.kind === 'demerit' && e.status === 'confirmed') {
      score -= e.points;
      demerit = true;
    }
  }
  let rating: Rating | null = null;
  for (const [r, min] of RATING_THRESHOLDS) {
    if (score >= min) {
      rating = r;
      break;
    }
  }
  if (rating === '3A' && demerit) rating = '2A';
  return { score, rating };
}

export type { Decision };
export type ReviewerRole = Role;

export interface ReviewInput {
  entry: { kind: EntryKind; status: EntryStatus; createdBy: number | null };
  actor: { id: number | null; role: ReviewerRole | null };
  decision: Decision;
}

export type ReviewResult = { ok: true; next: EntryStatus } | { ok: false; status: 403 | 409; message: string };

/**
 * The review step:
 * - a merit the resident declared is reviewed by the grid's staff (网格长审核): grid members of the
 *   grid or an admin, never the user who entered it;
 * - a demerit the grid's staff recorded is checked by the community (社区核查): a leader covering the
 *   grid or an admin, never the user who recorded it;
 * - a reviewed entry is final (409).
 * Scope (the grid) is the caller's business.
 */
export function review({ entry, actor, decision }: ReviewInput): ReviewResult {
  const pending = entry.kind === 'merit' ? 'declared' : 'recorded';
  if (entry.status !== pending)
    return {
      ok: false,
      status: 409,
      message: `该记录已审核（${STATUS_LABEL[entry.status]}），不能再次审核 (this record has already been reviewed, ${entry.status}; it cannot be reviewed again)`,
    };
  const allowed: ReviewerRole[] = entry.kind === 'merit' ? ['grid_member', 'admin'] : ['leader', 'admin'];
  if (!actor.role || !allowed.includes(actor.role)) {
    return {
      ok: false,
      status: 403,
      message:
        entry.kind === 'merit'
          ? '积分申报由本网格的网格长（网格员）审核 (merit claims are reviewed by the grid leader of their grid)'
          : '扣分记录由社区核查（社区领导或管理员） (demerit records are checked by the community: a community leader or an administrator)',
    };
  }
  if (actor.id !== null && entry.createdBy !== null && actor.id === entry.createdBy) {
    return {
      ok: false,
      status: 403,
      message: '不能审核自己录入的记录（须由另一人审核） (you cannot review a record you entered yourself; another person must review it)',
    };
  }
  const next: EntryStatus = entry.kind === 'merit' ? (decision === 'approve' ? 'approved' : 'rejected') : decision === 'approve' ? 'confirmed' : 'dismissed';
  return { ok: true, next };
}

export const STATUS_LABEL: Record<EntryStatus, string> = {
  declared: '待审核',
  approved: '已通过',
  rejected: '未通过',
  recorded: '待核查',
  confirmed: '已核实',
  dismissed: '已撤销',
};
