/**
 * Ejection chains for band repair: when a grid is over max (under min) and no single boundary move
 * fixes it, pass households along a path of adjacent grids — g gives a boundary node to h1, h1 gives
 * one to h2, … until a grid with room (to spare) is reached — keeping every intermediate grid in
 * band and contiguous. The path is the one moving the fewest households (Dijkstra over grids), so a
 * warm start restores the band with small, local changes instead of re-partitioning a
 * neighbourhood. Pure, no I/O.
 */
import type { GridState } from './state';

export interface ChainParams {
  min: number;
  max: number;
  /** most grids on a chain (default 8) */
  maxLength?: number;
  /** most search states expanded (default 4000) */
  maxStates?: number;
  /** filled with the grids an applied chain changed; a grid not in it costs `target` extra households */
  touched?: Set<number>;
  target?: number;
}

interface Step {
  node: number;
  from: number;
  to: number;
}
interface State {
  grid: number;
  carry: number;
  cost: number;
  first: number;
  ret: boolean;
  path: Step[];
}

/**
 * One chain for grid g (over max: push households out; under min: pull households in).
 * Applies it and returns true when one was found that brings g closer to the band while every
 * other grid on the chain stays in band and every grid stays contiguous.
 */
export function ejectionChain(st: GridState, g: number, p: ChainParams): boolean {
  const hg = st.hh[g];
  if (hg > p.max) return search(st, g, p, true);
  if (hg < p.min) return search(st, g, p, false);
  return false;
}

function search(st: GridState, g: number, p: ChainParams, push: boolean): boolean {
  const cg = st.cg,
    hg = st.hh[g];
  const maxLen = p.maxLength ?? 8,
    maxStates = p.maxStates ?? 4000;
  const inBand = (h: number) => h >= p.min && h <= p.max;
  // a grid no repair has changed yet costs as much as moving a grid's worth of households
  const extra = (y: number) => (p.touched && !p.touched.has(y) ? (p.target ?? 0) : 0);
  const settled = new Set<number>([g]);
  const open: State[] = [];
  const add = (s: State) => {
    // binary insertion keeps open sorted by (cost, grid) — deterministic
    let lo = 0,
      hi = open.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (open[m].cost < s.cost || (open[m].cost === s.cost && open[m].grid <= s.grid)) lo = m + 1;
      else hi = m;
    }
    open.splice(lo, 0, s);
  };
  /**
   * moves across the boundary between grid x and its neighbours: push = nodes of x into a
   * neighbour grid y; pull = nodes of a neighbour grid y into x. Returns [node, y].
   */
  const crossings = (x: number): [number, number][] => {
    const out: [number, number][] = [];
    const seen = new Set<number>();
    for (const u of st.members[x])
      for (let e = cg.offsets[u]; e < cg.offsets[u + 1]; e++) {
        const v = cg.targets[e],
          y = st.assign[v];
        if (y < 0 || y === x || st.group[y] !== st.group[x]) continue;
        if (push) {
          const k = u * 4194304 + y;
          if (!seen.has(k)) {
            seen.add(k);
            out.push([u, y]);
          }
        } else if (!seen.has(v)) {
          seen.add(v);
          out.push([v, y]);
        }
      }
    out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return out;
  };
  // first links: out of (into) g itself. When g would overshoot the band (a big node), the chain
  // has to close into a cycle that brings households back to (takes them from) g
  for (const [u, y] of crossings(g)) {
    const h = cg.hh[u];
    if (h <= 0) continue;
    const after = push ? hg - h : hg + h;
    const ret = push ? after < p.min : after > p.max;
    add({ grid: y, carry: h, cost: h + extra(y), first: h, ret, path: [push ? { node: u, from: g, to: y } : { node: u, from: y, to: g }] });
  }
  let expanded = 0;
  while (open.length && expanded++ < maxStates) {
    const s = open.shift()!;
    if (settled.has(s.grid)) continue;
    const x = s.grid;
    // terminal: x can absorb (give) the carry and stay in band
    if (!s.ret && inBand(push ? st.hh[x] + s.carry : st.hh[x] - s.carry) && apply(st, s.path, p.touched)) return true;
    settled.add(x);
    if (s.path.length >= maxLen) continue;
    const last = s.path[s.path.length - 1].node;
    for (const [u, y] of crossings(x)) {
      if (u === last || (y !== g && settled.has(y))) continue;
      const h = cg.hh[u];
      if (h <= 0 && y !== g) continue;
      // x receives (gives) the carry and gives (receives) h: it must stay in band
      const after = push ? st.hh[x] + s.carry - h : st.hh[x] - s.carry + h;
      if (!inBand(after)) continue;
      const step = push ? { node: u, from: x, to: y } : { node: u, from: y, to: x };
      if (y === g) {
        // closing the cycle: g gets h back (gives h back)
        if (!inBand(push ? hg - s.first + h : hg + s.first - h)) continue;
        if (apply(st, [...s.path, step], p.touched)) return true;
        continue;
      }
      add({ grid: y, carry: h, cost: s.cost + h + extra(y), first: s.first, ret: s.ret, path: [...s.path, step] });
    }
  }
  return false;
}

/** apply the moves in an order that keeps each grid non-empty; undo everything when one would disconnect a grid */
function apply(st: GridState, path: Step[], touched?: Set<number>): boolean {
  const done: Step[] = [];
  // pushes: arrivals first make departures safe; apply from the chain's end backwards for pulls
  for (const s of path) {
    if (st.assign[s.node] !== s.from || !st.canLeave(s.node)) {
      for (let i = done.length - 1; i >= 0; i--) st.move(done[i].node, done[i].from);
      return false;
    }
    st.move(s.node, s.to);
    done.push(s);
  }
  // every grid touched must still be one piece (a node that arrived may hang on a node that left)
  const touched_ = new Set<number>();
  for (const s of path) {
    touched_.add(s.from);
    touched_.add(s.to);
  }
  for (const x of touched_)
    if (st.members[x].size && st.components(x).length > 1) {
      for (let i = done.length - 1; i >= 0; i--) st.move(done[i].node, done[i].from);
      return false;
    }
  if (touched) for (const x of touched_) touched.add(x);
  return true;
}
