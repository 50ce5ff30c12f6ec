/**
 * Service levels of the whistle workflow (pure). Clocks per kind, all starting at the (last)
 * whistle: the department must report in (accept) within acceptHours and give feedback within
 * feedbackHours; a matter reported but neither whistled nor closed must be triaged within
 * triageHours. Colours: green 'ok', amber 'due' (warnFraction of a running clock used), red
 * 'overdue' (a running clock passed), grey 'none' (no clock running: fed back, solved, closed).
 */
import type { SlaLevel, SlaStage } from '../../common/http/cases';
import type { CaseKind, CaseStatus } from './workflow';
import type { Milestones } from './timeline';

export interface KindSla {
  acceptHours: number;
  feedbackHours: number;
}

export interface SlaRules {
  kinds: Record<CaseKind, KindSla>;
  triageHours: number;
  /** Share of a clock after which the case turns amber. */
  warnFraction: number;
}

/** Defaults (also seeded into case_sla by migration 050): deadlines 3 / 1 / 30 days; accept in 24 h (emergency 2 h). */
export const DEFAULT_SLA: SlaRules = {
  kinds: {
    quick: { acceptHours: 24, feedbackHours: 72 },
    emergency: { acceptHours: 2, feedbackHours: 24 },
    tackle_hard: { acceptHours: 24, feedbackHours: 720 },
  },
  triageHours: 24,
  warnFraction: 0.75,
};

export type { SlaLevel, SlaStage };

export interface SlaState {
  level: SlaLevel;
  /** The clock that decides the level (null: none running). */
  stage: SlaStage | null;
  /** epoch ms of that clock's deadline. */
  deadline: number | null;
  /** Hours until the deadline (negative: overdue by). */
  hoursLeft: number | null;
  /** A deadline was missed at some point (running or historical). */
  late: boolean;
}

export const SLA_COLORS: Record<SlaLevel, string> = { none: '#8c8c8c', ok: '#1a9850', due: '#f39c12', overdue: '#d73027' };

const H = 3600e3;

interface Clock {
  stage: SlaStage;
  start: number;
  hours: number;
  /** When it stopped (null: running). */
  stop: number | null;
}

function clocks(status: CaseStatus | string, kind: CaseKind | null, m: Milestones, rules: SlaRules): Clock[] {
  if (status === 'reported') return [{ stage: 'triage', start: m.statusSince, hours: rules.triageHours, stop: null }];
  if (!kind || m.dispatchedAt === null) return [];
  const k = rules.kinds[kind];
  const open = status === 'dispatched' || status === 'accepted';
  return [
    { stage: 'accept', start: m.dispatchedAt, hours: k.acceptHours, stop: m.acceptedAt ?? (open ? null : m.statusSince) },
    { stage: 'feedback', start: m.dispatchedAt, hours: k.feedbackHours, stop: m.feedbackAt ?? (open ? null : m.statusSince) },
  ];
}

/** The SLA state of a case at time `now` (epoch ms). */
export function classifySla(
  c: { status: CaseStatus | string; kind: CaseKind | null; milestones: Milestones },
  now: number,
  rules: SlaRules = DEFAULT_SLA,
): SlaState {
  const all = clocks(c.status, c.kind, c.milestones, rules);
  const late = all.some((k) => (k.stop ?? now) > k.start + k.hours * H);
  const running = all.filter((k) => k.stop === null);
  if (running.length === 0) return { level: 'none', stage: null, deadline: null, hoursLeft: null, late };
  // the decisive clock: an overdue one (the most overdue), else the one nearest its deadline by share used
  let best: Clock = running[0];
  let bestScore = -Infinity;
  for (const k of running) {
    const used = (now - k.start) / (k.hours * H);
    if (used > bestScore) {
      best = k;
      bestScore = used;
    }
  }
  const deadline = best.start + best.hours * H;
  const level: SlaLevel = now > deadline ? 'overdue' : bestScore >= rules.warnFraction ? 'due' : 'ok';
  return { level, stage: best.stage, deadline, hoursLeft: (deadline - now) / H, late };
}
