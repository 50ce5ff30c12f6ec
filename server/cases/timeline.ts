/**
 * Milestones of a case from its events (pure): when it was reported, whistled, accepted, fed back,
 * solved. A case sent back (dispatched→reported, feedback→accepted) counts from its last whistle.
 */
import type { CaseStatus } from './workflow';

export interface TimedEvent {
  status: CaseStatus | string;
  /** epoch ms */
  at: number;
}

export interface Milestones {
  reportedAt: number;
  /** First whistle (dispatch) — the start of "time to solve". */
  firstDispatchedAt: number | null;
  /** Last whistle — the start of the running SLA clocks. */
  dispatchedAt: number | null;
  /** First acceptance after the last whistle. */
  acceptedAt: number | null;
  /** First feedback after the last whistle. */
  feedbackAt: number | null;
  solvedAt: number | null;
  evaluatedAt: number | null;
  closedAt: number | null;
  /** Time of the last event (the current status holds since then). */
  statusSince: number;
}

/** Events must be in time order (ties keep their order). */
export function milestones(events: readonly TimedEvent[]): Milestones {
  if (events.length === 0) throw new Error('a case has at least one event');
  const m: Milestones = {
    reportedAt: events[0].at,
    firstDispatchedAt: null,
    dispatchedAt: null,
    acceptedAt: null,
    feedbackAt: null,
    solvedAt: null,
    evaluatedAt: null,
    closedAt: null,
    statusSince: events[events.length - 1].at,
  };
  for (const e of events) {
    switch (e.status) {
      case 'dispatched':
        m.firstDispatchedAt ??= e.at;
        m.dispatchedAt = e.at;
        m.acceptedAt = null;
        m.feedbackAt = null;
        break;
      case 'accepted':
        m.acceptedAt ??= e.at;
        break;
      case 'feedback':
        m.feedbackAt ??= e.at;
        break;
      case 'solved':
        m.solvedAt ??= e.at;
        break;
      case 'evaluated':
        m.evaluatedAt ??= e.at;
        break;
      case 'closed':
        m.closedAt ??= e.at;
        break;
    }
  }
  return m;
}
