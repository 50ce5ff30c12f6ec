/**
 * The plan editor's test and bench hook, window.__wanggePlan: when the view is ready and the grids
 * first drawn, the open plan and its model, selecting a grid, the map tool's mode, painting units
 * through the brush's path, and timings (paint, save, grids drawn).
 */
import type { UnitChange } from '../../api/plans';
import { redraw, session, type Mode } from './session';
import type { EditorState } from './state';

export interface PlanEditorHook {
  ready: Promise<void>;
  /** resolves when the plan's grids are first drawn */
  gridsReady: () => Promise<void>;
  planId: () => number | null;
  state: () => EditorState | null;
  selectGrid: (code: string | null) => void;
  setMode: (m: Mode) => void;
  /** paints units into a grid through the same path as the brush; resolves when saved */
  paint: (units: string[], to: string | null) => Promise<void>;
  lastPaintMs: () => number;
  lastSaveMs: () => number;
  gridsRenderedMs: () => number;
  gridsFirstAt: () => number;
}

declare global {
  interface Window {
    __wanggePlan?: PlanEditorHook;
  }
}

/** What the hook drives (./actions.ts, wired by index.ts). */
export interface HookActions {
  selectGrid(code: string | null): void;
  applyLocal(moves: Array<{ unit: string; to: string | null }>): UnitChange[];
  save(changes: UnitChange[]): Promise<void>;
}

export function installHook(act: HookActions): void {
  window.__wanggePlan = {
    ready: session.ready.promise,
    gridsReady: () => session.gridsReady.promise,
    planId: () => session.plan?.id ?? null,
    state: () => session.state,
    selectGrid: act.selectGrid,
    setMode: (m) => ((session.mode = m), redraw.all()),
    paint: async (units, to) => {
      const t0 = performance.now();
      const changes = act.applyLocal(units.map((unit) => ({ unit, to })));
      await new Promise<void>((r) => requestAnimationFrame(() => r()));
      session.lastPaintMs = performance.now() - t0;
      await act.save(changes);
    },
    lastPaintMs: () => session.lastPaintMs,
    lastSaveMs: () => session.lastSaveMs,
    gridsRenderedMs: () => session.gridsRenderedMs,
    gridsFirstAt: () => session.gridsFirstAt,
  };
}
