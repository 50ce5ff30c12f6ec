/**
 * The credit community (信用社区) over HTTP (/api/credit…): ratings per grid and household, merit and
 * demerit entries, their review. The server's credit rules, store and routes and the client's
 * api/party.ts use these.
 */

export type Rating = 'A' | '2A' | '3A';
export type CreditEntryKind = 'merit' | 'demerit';
export type EntryStatus = 'declared' | 'approved' | 'rejected' | 'recorded' | 'confirmed' | 'dismissed';
export type Decision = 'approve' | 'reject';

export interface CreditGrid {
  code: string;
  subdistrictId: string;
  communityId: string | null;
  households: number;
  /** counts of 1-4 are suppressed (null) for everyone but admins */
  rated: number | null;
  a: number | null;
  aa: number | null;
  aaa: number | null;
  /** rated / households of the grid (null when `rated` is suppressed) */
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
  /** null unless the reader may see the household's personal data */
  headName: string | null;
  gridCode: string | null;
  kind: CreditEntryKind;
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

/** Body of POST /api/credit/entries: a declared merit or a recorded demerit. */
export interface NewCreditEntry {
  household: string;
  kind: CreditEntryKind;
  category: string;
  occurredOn: string;
  note?: string;
}

/** Body of POST /api/credit/entries/:id/review. */
export interface ReviewBody {
  decision: Decision;
  version: number;
  note?: string;
}

/** A household's rating before and after a review. */
export interface RatingChange {
  before: Rating | null;
  after: Rating | null;
  score: number;
}

/** Answer of a review: the entry after it and the household's rating. */
export interface ReviewAnswer {
  entry: CreditEntry;
  rating: RatingChange;
}
