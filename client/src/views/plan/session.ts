/**
 * The plan editor's session: the one mutable record its modules share (the open plan and its
 * model, the selection, the map tool's mode and scope, the proposal, the message line, pending
 * saves, timings for the test hook) and the redraw calls the panels answer to, wired by index.ts so
 * the modules that change the session never import the panels.
 */
import { ApiError, type Api, type FC } from '../../api';
import type { PlanInfo, Proposal, StaffInfo } from '../../api/plans';
import type { ViewContext } from '../types';
import type { EditorState } from './state';

export type Mode = 'select' | 'brush' | 'erase' | 'lasso' | 'merge';
export type Scope = 'unit' | 'compound' | 'block';
export type Impact = Awaited<ReturnType<Api['plans']['impact']>>;

/** A promise and its resolver (the test hook's "ready" signals). */
export interface Signal {
  promise: Promise<void>;
  resolve: () => void;
}
export function signal(): Signal {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export interface Session {
  ctx: ViewContext | null;
  plan: PlanInfo | null;
  state: EditorState | null;
  staff: StaffInfo | null;
  /** The plans the user sees (the plan picker). */
  planList: PlanInfo[];
  selected: string | null;
  mode: Mode;
  scope: Scope;
  proposal: Proposal | null;
  message: { kind: 'error' | 'info'; text: string; reload?: boolean } | null;
  /** The chain of edits being saved (tools wait for it). */
  saving: Promise<void>;
  /** The grid outlines on the map (coloured). */
  gridsFc: FC | null;
  showDiff: boolean;
  /** The impact report shown while showDiff (kept so a re-render shows it again). */
  lastImpact: Impact | null;
  lastPaintMs: number;
  lastSaveMs: number;
  gridsRenderedMs: number;
  /** ms since navigation when the first plan's grids were drawn */
  gridsFirstAt: number;
  /** Resolved when activate has opened the first plan. */
  ready: Signal;
  /** Resolved when the plan's grids are first drawn. */
  gridsReady: Signal;
}

export const session: Session = {
  ctx: null,
  plan: null,
  state: null,
  staff: null,
  planList: [],
  selected: null,
  mode: 'select',
  scope: 'unit',
  proposal: null,
  message: null,
  saving: Promise.resolve(),
  gridsFc: null,
  showDiff: false,
  lastImpact: null,
  lastPaintMs: 0,
  lastSaveMs: 0,
  gridsRenderedMs: 0,
  gridsFirstAt: 0,
  ready: signal(),
  gridsReady: signal(),
};

export const editable = () => session.plan?.status === 'draft';

/** What the panels redraw: everything, the statistics box, the message line. */
export interface Redraw {
  all(): void;
  stats(): void;
  message(): void;
}
export const redraw: Redraw = { all() {}, stats() {}, message() {} };
export function setRedraw(r: Redraw): void {
  Object.assign(redraw, r);
}

export function setMessage(kind: 'error' | 'info', text: string, reload = false): void {
  session.message = { kind, text, reload };
  redraw.message();
}

export function errorText(e: unknown): string {
  return e instanceof ApiError ? e.message : String(e instanceof Error ? e.message : e);
}
