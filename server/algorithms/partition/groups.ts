/**
 * Partition groups: each sub-district component is split by community where each community piece
 * can form in-band grids on its own; infeasible pieces are merged into the neighbouring group
 * they share most boundary with (and reported). Pure, no I/O.
 */
import type { UnitGraph } from './graph';
import { chooseK } from './bisect';
import type { PartitionWarning, ResolvedOptions } from './types';
import { polsbyPopper } from '../geo';

/** a one-grid community piece less compact than this is grouped with its neighbour */
export const SLIVER_PP = 0.3;

const listUnits = (g: UnitGraph, us: number[], max = 12) =>
  us
    .slice(0, max)
    .map((u) => g.ids[u])
    .join(', ') + (us.length > max ? ` … (${us.length} units)` : '');

/**
 * @param rural filled with the group ids of rural components (communities averaging fewer households
 * than max): such a component is one group, community boundaries are not kept there
 */
export function buildGroups(
  g: UnitGraph,
  comp: Int32Array,
  compCount: number,
  o: ResolvedOptions,
  warnings: PartitionWarning[],
  rural?: Set<number>,
): Int32Array {
  // community pieces
  const piece = new Int32Array(g.n).fill(-1);
  const pieceUnits: number[][] = [];
  for (let s = 0; s < g.n; s++) {
    if (piece[s] >= 0) continue;
    const id = pieceUnits.length;
    const q = [s];
    piece[s] = id;
    for (let i = 0; i < q.length; i++) {
      const u = q[i];
      for (let e = g.offsets[u]; e < g.offsets[u + 1]; e++) {
        const v = g.targets[e];
        if (piece[v] < 0 && comp[v] === comp[u] && g.community[v] === g.community[u]) {
          piece[v] = id;
          q.push(v);
        }
      }
    }
    pieceUnits.push(q);
  }
  const P = pieceUnits.length;
  const H = new Float64Array(P);
  for (let u = 0; u < g.n; u++) H[piece[u]] += g.households[u];
  // shared boundary between pieces
  const adj: Map<number, number>[] = Array.from({ length: P }, () => new Map());
  for (let u = 0; u < g.n; u++) {
    for (let e = g.offsets[u]; e < g.offsets[u + 1]; e++) {
      const v = g.targets[e];
      const a = piece[u],
        b = piece[v];
      if (a !== b && comp[u] === comp[v]) adj[a].set(b, (adj[a].get(b) ?? 0) + g.edgeLen[e]);
    }
  }
  const parent = new Int32Array(P);
  for (let i = 0; i < P; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  const gh = Float64Array.from(H);
  const members: number[][] = Array.from({ length: P }, (_, i) => [i]);
  const feasible = (h: number) => chooseK(h, o.min, o.max, o.target).feasible;
  // slivers: a community piece that can only be one grid and whose own shape is a thin strip
  // (Polsby-Popper < SLIVER_PP, e.g. one row of blocks along a street) would be a grid nobody can
  // walk; it is grouped with its neighbour like an infeasible piece (and reported)
  const pArea = new Float64Array(P),
    pPerim = new Float64Array(P);
  for (let u = 0; u < g.n; u++) {
    const a = piece[u];
    pArea[a] += g.area[u];
    pPerim[a] += g.perimeter[u];
    for (let e = g.offsets[u]; e < g.offsets[u + 1]; e++) if (piece[g.targets[e]] === a) pPerim[a] -= g.edgeLen[e];
  }
  const sliver = (p: number) => chooseK(H[p], o.min, o.max, o.target).k === 1 && polsbyPopper(pArea[p], pPerim[p]) < SLIVER_PP;
  const ok = (p: number) => feasible(gh[p]) && !(members[p].length === 1 && sliver(p));
  // communities appearing in several pieces of the same component
  const piecesOfCommunity = new Map<string, number>();
  for (let p = 0; p < P; p++) {
    const c = g.community[pieceUnits[p][0]];
    if (c >= 0) {
      const key = comp[pieceUnits[p][0]] + ':' + c;
      piecesOfCommunity.set(key, (piecesOfCommunity.get(key) ?? 0) + 1);
    }
  }
  const ruralH = new Float64Array(compCount);
  for (let u = 0; u < g.n; u++) ruralH[comp[u]] += g.households[u];
  // rural components: when the communities average fewer households than one grid may hold, the
  // community boundaries cannot be kept anyway; the whole component is one group so that grids
  // are shaped for compactness instead of following arbitrary community merges
  const commsOf: Set<number>[] = Array.from({ length: compCount }, () => new Set());
  for (let u = 0; u < g.n; u++) if (g.community[u] >= 0) commsOf[comp[u]].add(g.community[u]);
  const wholeComp = new Uint8Array(compCount);
  for (let c = 0; c < compCount; c++) {
    const nc = commsOf[c].size;
    if (rural && nc > 1 && ruralH[c] / nc < o.max && feasible(ruralH[c])) wholeComp[c] = 1;
  }
  for (let c = 0; c < compCount; c++)
    if (wholeComp[c]) {
      const us: number[] = [];
      for (let u = 0; u < g.n; u++) if (comp[u] === c) us.push(u);
      const sd = g.subdistrict[us[0]] >= 0 ? g.subdistricts[g.subdistrict[us[0]]] : '(none)';
      warnings.push({
        code: 'community_infeasible',
        message: `sub-district ${sd}: its ${commsOf[c].size} communities average ${Math.round(ruralH[c] / commsOf[c].size)} households, fewer than max ${o.max}, so grids are drawn across community boundaries there (shaped for compactness). Fix: merge communities or change --min/--max. Units: ${listUnits(g, us)}`,
        units: us.map((u) => g.ids[u]),
      });
    }
  for (let iter = 0; iter < P; iter++) {
    // smallest infeasible group root
    let worst = -1;
    for (let p = 0; p < P; p++)
      if (find(p) === p && !ok(p) && (worst < 0 || gh[p] < gh[worst])) {
        // has a neighbour?
        let has = false;
        for (const m of members[p]) {
          for (const q of adj[m].keys())
            if (find(q) !== p) {
              has = true;
              break;
            }
          if (has) break;
        }
        if (has) worst = p;
      }
    if (worst < 0) break;
    const shared = new Map<number, number>();
    for (const m of members[worst])
      for (const [q, L] of adj[m]) {
        const r = find(q);
        if (r !== worst) shared.set(r, (shared.get(r) ?? 0) + L);
      }
    let best = -1,
      bl = -1;
    for (const [r, L] of shared)
      if (L > bl || (L === bl && r < best)) {
        bl = L;
        best = r;
      }
    const a = Math.min(worst, best),
      b = Math.max(worst, best);
    const u0 = pieceUnits[worst][0];
    const cName = g.community[u0] >= 0 ? g.communities[g.community[u0]] : null;
    const oName = g.community[pieceUnits[best][0]] >= 0 ? g.communities[g.community[pieceUnits[best][0]]] : null;
    if (cName !== null && cName !== oName && !wholeComp[comp[u0]]) {
      const us = members[worst].flatMap((m) => pieceUnits[m]);
      const split = (piecesOfCommunity.get(comp[u0] + ':' + g.community[u0]) ?? 1) > 1;
      if (feasible(gh[worst])) {
        warnings.push({
          code: 'community_sliver',
          message: `community ${cName}${split ? ' (a piece of it)' : ''} has ${gh[worst]} households in a thin strip (Polsby-Popper ${polsbyPopper(pArea[worst], pPerim[worst]).toFixed(2)}): as one grid of its own it would be far from compact, so its units are grouped with ${oName ? `community ${oName}` : 'the neighbouring units'}. Fix: redraw the community boundary or merge it with its neighbour.`,
          units: members[worst].flatMap((m) => pieceUnits[m]).map((u) => g.ids[u]),
        });
        parent[b] = a;
        gh[a] += gh[b];
        members[a].push(...members[b]);
        members[b] = [];
        continue;
      }
      warnings.push({
        code: split ? 'community_disconnected' : 'community_infeasible',
        message: `community ${cName}${split ? ' (a disconnected piece of it)' : ''} has ${gh[worst]} households, which cannot form grids of ${o.min}-${o.max} on its own; its units are grouped with ${oName ? `community ${oName}` : 'the neighbouring units'}. Fix: redraw the community boundary, merge it with its neighbour, or change --min/--max. Units: ${listUnits(g, us)}`,
        units: us.map((u) => g.ids[u]),
      });
    }
    parent[b] = a;
    gh[a] += gh[b];
    members[a].push(...members[b]);
    members[b] = [];
  }
  // component-level infeasibility (islands)
  const compH = new Float64Array(compCount);
  const compUnits: number[][] = Array.from({ length: compCount }, () => []);
  for (let u = 0; u < g.n; u++) {
    compH[comp[u]] += g.households[u];
    compUnits[comp[u]].push(u);
  }
  for (let c = 0; c < compCount; c++) {
    if (feasible(compH[c])) continue;
    const us = compUnits[c];
    const sd = g.subdistrict[us[0]] >= 0 ? g.subdistricts[g.subdistrict[us[0]]] : '(none)';
    const bigs = us.filter((u) => g.households[u] > o.max);
    const why = bigs.length
      ? `unit ${bigs.map((u) => g.ids[u]).join(', ')} alone exceeds max ${o.max}`
      : `${compH[c]} households cannot be split into grids of ${o.min}-${o.max}`;
    warnings.push({
      code: 'island_infeasible',
      message: `sub-district ${sd}: ${us.length} connected unit(s) with ${compH[c]} households form an island cut off from the rest of the sub-district; ${why}. Fix: attach the island to a neighbouring grid by hand, correct the unit boundaries, or change --min/--max. Units: ${listUnits(g, us)}`,
      units: us.map((u) => g.ids[u]),
    });
  }
  const group = new Int32Array(g.n);
  const rootId = new Map<number, number>();
  for (let u = 0; u < g.n; u++) {
    const r = wholeComp[comp[u]] ? -1 - comp[u] : find(piece[u]);
    let id = rootId.get(r);
    if (id === undefined) {
      id = rootId.size;
      rootId.set(r, id);
    }
    group[u] = id;
    if (wholeComp[comp[u]]) rural!.add(id);
  }
  return group;
}
