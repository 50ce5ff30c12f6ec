/**
 * "Suggest a fix" for an out-of-band grid: a small set of boundary-unit moves with its neighbours
 * that brings it into the household band, keeping every grid involved contiguous and every
 * neighbour in band, never touching locked grids or crossing sub-districts. Greedy: a move that
 * finishes the fix is preferred (the one closest to the band's middle), otherwise the largest
 * useful move. Pure, no I/O.
 */
import { isConnected, type EditorGraph } from './graph';

export interface FixMove {
  unit: number;
  from: string | null;
  to: string | null;
}

export interface FixResult {
  moves: FixMove[];
  before: number;
  after: number;
  /** true when the grid ends inside [min, max] */
  fixed: boolean;
}

export interface FixOptions {
  min: number;
  max: number;
  locked?: ReadonlySet<string>;
  maxMoves?: number;
}

/** `assignment[i]` is the grid code of unit i (null = unassigned). Does not modify it. */
export function suggestFix(g: EditorGraph, assignmentIn: readonly (string | null)[], code: string, opts: FixOptions): FixResult {
  const assignment = [...assignmentIn];
  const { min, max } = opts;
  const locked = opts.locked ?? new Set<string>();
  const maxMoves = opts.maxMoves ?? 25;
  const members = new Map<string, number[]>();
  const hh = new Map<string | null, number>();
  for (let i = 0; i < g.n; i++) {
    const c = assignment[i];
    hh.set(c, (hh.get(c) ?? 0) + g.households[i]);
    if (c !== null) {
      let list = members.get(c);
      if (!list) members.set(c, (list = []));
      list.push(i);
    }
  }
  const before = hh.get(code) ?? 0;
  const moves: FixMove[] = [];
  const sameSd = (a: number, b: number) => !g.subdistrict || g.subdistrict[a] === g.subdistrict[b];
  const mid = (min + max) / 2;
  const move = (u: number, to: string | null) => {
    const from = assignment[u];
    moves.push({ unit: u, from, to });
    hh.set(from, (hh.get(from) ?? 0) - g.households[u]);
    hh.set(to, (hh.get(to) ?? 0) + g.households[u]);
    if (from !== null)
      members.set(
        from,
        members.get(from)!.filter((x) => x !== u),
      );
    if (to !== null) members.set(to, [...(members.get(to) ?? []), u]);
    assignment[u] = to;
  };
  const stillConnected = (c: string | null, u: number) => c === null || isConnected(g, members.get(c) ?? [], (x) => assignment[x] === c, u);

  for (let step = 0; step < maxMoves; step++) {
    const H = hh.get(code) ?? 0;
    if (H >= min && H <= max) break;
    const over = H > max;
    type Cand = { u: number; to: string | null; h: number; finish: boolean; score: number };
    let best: Cand | null = null;
    const consider = (c: Cand) => {
      if (!best || (c.finish && !best.finish) || (c.finish === best.finish && c.score < best.score)) best = c;
    };
    if (over) {
      for (const u of members.get(code) ?? []) {
        const h = g.households[u];
        if (h <= 0 || H - h < min) continue;
        const targets = new Set<string>();
        for (let e = g.offsets[u]; e < g.offsets[u + 1]; e++) {
          const w = g.targets[e];
          const c = assignment[w];
          if (c !== null && c !== code && !locked.has(c) && sameSd(u, w) && (hh.get(c) ?? 0) + h <= max) targets.add(c);
        }
        if (targets.size === 0 || !stillConnected(code, u)) continue;
        const finish = H - h <= max;
        for (const to of targets) {
          const score = finish ? Math.abs(H - h - mid) : -h + (hh.get(to) ?? 0) / 1e6;
          consider({ u, to, h, finish, score });
        }
      }
    } else {
      const seen = new Set<number>();
      for (const v of members.get(code) ?? []) {
        for (let e = g.offsets[v]; e < g.offsets[v + 1]; e++) {
          const u = g.targets[e];
          const from = assignment[u];
          if (from === code || seen.has(u)) continue;
          seen.add(u);
          const h = g.households[u];
          if (h <= 0 || H + h > max || !sameSd(u, v) || (from !== null && locked.has(from))) continue;
          if (from !== null && (hh.get(from) ?? 0) - h < min) continue;
          if (!stillConnected(from, u)) continue;
          const finish = H + h >= min;
          consider({ u, to: code, h, finish, score: finish ? Math.abs(H + h - mid) : -h });
        }
      }
    }
    if (!best) break;
    const chosen: Cand = best;
    move(chosen.u, chosen.to);
  }
  const after = hh.get(code) ?? 0;
  return { moves, before, after, fixed: after >= min && after <= max };
}
