/**
 * What the editor shows at once, before any server answer: moves applied to the plan's model with
 * their units recoloured on the map (the optimistic paint), the grid selection, framing a grid.
 * No server call.
 */
import type { UnitChange } from '../../api/plans';
import { setSelectedGrid } from '../../layers/grids';
import { setUnitState } from '../../layers/units';
import { redraw, session } from './session';
import { gridColour } from './state';

export function recolour(units: Iterable<number>): void {
  const { ctx, state, selected } = session;
  if (!ctx || !state) return;
  for (const i of units) setUnitState(ctx.map, i, { c: gridColour(state.asg[i]), sel: selected !== null && state.asg[i] === selected });
}

/** Applies moves locally (stats + map) at once; returns the applied moves with their origin. */
export function applyLocal(moves: Array<{ unit: string; to: string | null }>): UnitChange[] {
  const s = session.state!;
  const changes: UnitChange[] = [];
  for (const m of moves) {
    const from = s.gridOf(m.unit);
    if (from !== m.to) changes.push({ unit: m.unit, from, to: m.to });
  }
  s.apply(changes);
  recolour(changes.map((c) => s.index.get(c.unit)!));
  redraw.stats();
  return changes;
}

export function selectGrid(code: string | null): void {
  const { ctx, state } = session;
  if (!ctx || !state) return;
  const prev = session.selected;
  session.selected = code;
  setSelectedGrid(ctx.map, prev, code);
  const touched = new Set<number>([...(prev ? (state.members.get(prev) ?? []) : []), ...(code ? (state.members.get(code) ?? []) : [])]);
  recolour(touched);
  session.proposal = null;
  redraw.all();
}

export function flyToGrid(code: string): void {
  const { ctx, state } = session;
  if (!state || !ctx) return;
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (const i of state.members.get(code) ?? []) {
    const x = state.centroids[2 * i],
      y = state.centroids[2 * i + 1];
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  if (x0 < Infinity) ctx.map.fitBounds([x0, y0, x1, y1], { padding: 120, maxZoom: 16, duration: 0 });
}
