/**
 * The whistle case state machine (街居吹哨、部门报到), pure: a grid member reports a matter; the
 * sub-district either closes it at grid level or blows the whistle (dispatches it to a department
 * with a kind); the department reports in (accepts), gives feedback; the sub-district verifies
 * (solved) or sends it back; a periodic evaluation ends it. Every transition is one event with its
 * time and actor; a case's version equals its number of events.
 */

import { CASE_KINDS, CASE_STATUSES, type CaseKind, type CaseStatus } from '../../common/http/cases';

/** The statuses and kinds (common/http/cases.ts, shared with the client). */
export const STATUSES = CASE_STATUSES;
export const KINDS = CASE_KINDS;
export type { CaseKind, CaseStatus };

/** Allowed next statuses. reported→dispatched is the whistle; dispatched→reported a department's refusal; feedback→accepted a failed check. */
export const TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  reported: ['dispatched', 'closed'],
  dispatched: ['accepted', 'reported'],
  accepted: ['feedback'],
  feedback: ['solved', 'accepted'],
  solved: ['evaluated'],
  evaluated: [],
  closed: [],
};

/** Plain names used in messages (the client has its own dictionary). */
export const STATUS_LABEL: Readonly<Record<CaseStatus, string>> = {
  reported: '已上报',
  dispatched: '已吹哨派单',
  accepted: '部门已报到',
  feedback: '已反馈',
  solved: '已办结',
  evaluated: '已考评',
  closed: '网格内办结',
};

export const KIND_LABEL: Readonly<Record<CaseKind, string>> = { quick: '快速哨', emergency: '应急哨', tackle_hard: '攻坚哨' };

export const FINAL_STATUSES: readonly CaseStatus[] = ['evaluated', 'closed'];

export const isStatus = (s: unknown): s is CaseStatus => typeof s === 'string' && (STATUSES as readonly string[]).includes(s);
export const isKind = (s: unknown): s is CaseKind => typeof s === 'string' && (KINDS as readonly string[]).includes(s);

export function allowedNext(status: string): readonly CaseStatus[] {
  return isStatus(status) ? TRANSITIONS[status] : [];
}

/**
 * The steps a role may take. A grid member reports and may close a matter at grid level
 * (网格内办结); whistling and the department and verification steps belong to the sub-district
 * (leader) and the administrator.
 */
export function allowedNextFor(status: string, role: string | null | undefined): readonly CaseStatus[] {
  const all = allowedNext(status);
  return role === 'grid_member' ? all.filter((s) => s === 'closed') : all;
}

export interface CaseEvent {
  status: CaseStatus;
  /** epoch ms */
  at: number;
  actor: string;
  note: string | null;
}

export interface CaseState {
  status: CaseStatus;
  kind: CaseKind | null;
  department: string | null;
  whistled: boolean;
  version: number;
  events: CaseEvent[];
}

export interface TransitionInput {
  to: string;
  /** Wall-clock time of the request (epoch ms); the event gets max(at, last event's time). */
  at: number;
  actor: string;
  note?: string | null;
  /** Required when whistling (to = dispatched) unless the case already has one. */
  kind?: string | null;
  department?: string | null;
}

export type TransitionResult = { ok: true; state: CaseState; event: CaseEvent } | { ok: false; message: string };

/** Checks a transition without applying it; returns a plain message when refused. */
export function checkTransition(
  state: Pick<CaseState, 'status' | 'kind' | 'department'>,
  input: Pick<TransitionInput, 'to' | 'kind' | 'department'>,
): string | null {
  if (!isStatus(input.to)) return `未知的状态“${input.to}” (unknown status ${input.to})`;
  const from = state.status;
  if (!TRANSITIONS[from].includes(input.to)) {
    const next = TRANSITIONS[from];
    const allowed = next.length ? next.map((s) => `“${STATUS_LABEL[s]}”`).join('或') : '无（流程已结束）';
    return `案件当前为“${STATUS_LABEL[from]}”，不能转为“${STATUS_LABEL[input.to]}”；可转为：${allowed} (the case is ${from} and cannot change to ${input.to}; it can change to: ${next.length ? next.join(' or ') : 'nothing, the workflow has ended'})`;
  }
  if (input.to === 'dispatched') {
    const kind = input.kind ?? state.kind;
    const dept = input.department ?? state.department;
    if (input.kind != null && !isKind(input.kind)) return `未知的吹哨类型“${input.kind}” (unknown whistle type ${input.kind})`;
    if (!kind) return '吹哨派单须选择哨型（快速哨、应急哨或攻坚哨） (dispatching needs a whistle type: quick, emergency or tackle-hard)';
    if (!dept || !dept.trim()) return '吹哨派单须指定报到部门 (dispatching needs the department that must report)';
  }
  return null;
}

/** Applies one transition: a new state (the input state is not changed) or a refusal. */
export function applyTransition(state: CaseState, input: TransitionInput): TransitionResult {
  const problem = checkTransition(state, input);
  if (problem) return { ok: false, message: problem };
  const to = input.to as CaseStatus;
  const last = state.events.length ? state.events[state.events.length - 1].at : -Infinity;
  const event: CaseEvent = { status: to, at: Math.max(input.at, last), actor: input.actor, note: input.note ?? null };
  const dispatch = to === 'dispatched';
  return {
    ok: true,
    event,
    state: {
      status: to,
      kind: dispatch ? ((input.kind as CaseKind | null | undefined) ?? state.kind) : state.kind,
      department: dispatch ? input.department?.trim() || state.department : state.department,
      whistled: state.whistled || dispatch,
      version: state.version + 1,
      events: [...state.events, event],
    },
  };
}

/** A freshly reported matter (version 1, one event). */
export function newCase(at: number, actor: string, note: string | null): CaseState {
  return { status: 'reported', kind: null, department: null, whistled: false, version: 1, events: [{ status: 'reported', at, actor, note }] };
}
