/**
 * Local search: boundary moves of coarse nodes between adjacent grids of the same group that lower
 * the penalty objective while keeping every grid contiguous and inside the household band. Pure.
 */
import { edgePenalty, gridPenalty, inertiaPenalty, DEFAULT_WEIGHTS, type ObjectiveWeights } from './objective';
import type { GridState } from './state';

export interface LocalSearchParams {
  min: number;
  max: number;
  target: number;
  rng: () => number;
  passes: number;
  weights?: ObjectiveWeights;
  /** only move nodes whose grid is in this set (all when omitted) */
  onlyGrids?: Set<number>;
}

export function localSearch(st: GridState, p: LocalSearchParams): number {
  const cg = st.cg,
    w = p.weights ?? DEFAULT_WEIGHTS;
  const order: number[] = [];
  for (let u = 0; u < cg.n; u++) if (st.assign[u] >= 0) order.push(u);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(p.rng() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const wi = w.inertia ?? 0,
    we = w.edge ?? 0;
  const edge = (hh: number) => (we ? we * edgePenalty(hh, p.min, p.max, p.target) : 0);
  const pen = (g: number) =>
    gridPenalty(st.hh[g], st.area[g], st.perim[g], st.hard[g], p.target, w) +
    (wi ? wi * inertiaPenalty(st.area[g], st.mx[g], st.my[g], st.mq[g]) : 0) +
    edge(st.hh[g]);
  let moves = 0;
  for (let pass = 0; pass < p.passes; pass++) {
    let passMoves = 0;
    for (const u of order) {
      const g = st.assign[u];
      if (p.onlyGrids && !p.onlyGrids.has(g)) continue;
      const hs = st.neighbourGrids(u);
      if (!hs.length) continue;
      const hu = cg.hh[u];
      if (st.hh[g] - hu < p.min && st.hh[g] >= p.min) continue;
      const [Lg, Hg] = st.linkTo(u, g);
      const au = cg.area[u],
        ax = au * cg.cx[u],
        ay = au * cg.cy[u],
        aq = au * (cg.cx[u] ** 2 + cg.cy[u] ** 2);
      const gNew =
        gridPenalty(st.hh[g] - hu, st.area[g] - au, st.perim[g] - cg.perim[u] + 2 * Lg, st.hard[g] - Hg, p.target, w) +
        (wi ? wi * inertiaPenalty(st.area[g] - au, st.mx[g] - ax, st.my[g] - ay, st.mq[g] - aq) : 0) +
        edge(st.hh[g] - hu);
      const gOld = pen(g);
      let best = -1e-6,
        bestH = -1;
      for (const h of hs) {
        if (p.onlyGrids && !p.onlyGrids.has(h)) continue;
        if (st.hh[h] + hu > p.max && st.hh[h] <= p.max) continue;
        const [Lh, Hh] = st.linkTo(u, h);
        const hNew =
          gridPenalty(st.hh[h] + hu, st.area[h] + au, st.perim[h] + cg.perim[u] - 2 * Lh, st.hard[h] + Hh, p.target, w) +
          (wi ? wi * inertiaPenalty(st.area[h] + au, st.mx[h] + ax, st.my[h] + ay, st.mq[h] + aq) : 0) +
          edge(st.hh[h] + hu);
        const d = gNew + hNew - gOld - pen(h);
        if (d < best) {
          best = d;
          bestH = h;
        }
      }
      if (bestH < 0 || !st.canLeave(u)) continue;
      st.move(u, bestH);
      passMoves++;
    }
    moves += passMoves;
    if (!passMoves) break;
  }
  return moves;
}
