/**
 * The editor's client-side model of one plan: the unit table (loaded once), the current unit → grid
 * assignment, and per-grid statistics kept up to date incrementally after every paint so the panel
 * updates in well under 100 ms; the server's answer then confirms the edit. No DOM, no I/O.
 */
import type { UnitTable } from '../../api/plans';

export interface GridStats {
  code: string;
  households: number;
  units: number;
  buildings: number;
  party: number;
  /** party-member households carrying a plaque (挂牌) */
  plaqued: number;
  /** plaqued / party-member households (0..1): the rule is ≥ 20% */
  plaquedShare: number;
  compoundsSplit: number;
  contiguous: boolean;
  /** 4πA/P² of the union of its units */
  polsbyPopper: number;
  inBand: boolean;
}

export interface PlanSummary {
  grids: number;
  inBand: number;
  outOfBand: number;
  nonContiguous: number;
  unassignedHouseholds: number;
  compoundsSplit: number;
}

export class EditorState {
  readonly index = new Map<string, number>();
  readonly asg: (string | null)[];
  readonly members = new Map<string, Set<number>>();
  /** compound index → grid → unit count */
  private readonly compoundGrids = new Map<number, Map<string | null, number>>();
  private readonly statsCache = new Map<string, GridStats>();
  /** centroid lon/lat per unit (for the lasso) */
  readonly centroids: Float64Array;
  version: number;

  constructor(readonly table: UnitTable) {
    this.version = table.version;
    this.asg = [...table.grid];
    this.centroids = new Float64Array(table.ids.length * 2);
    table.ids.forEach((id, i) => {
      this.index.set(id, i);
      const ring = table.polygons[i]?.[0]?.[0] ?? [];
      let x = 0;
      let y = 0;
      const n = Math.max(1, ring.length - 1);
      for (let k = 0; k < n && k < ring.length; k++) {
        x += ring[k][0];
        y += ring[k][1];
      }
      this.centroids[2 * i] = x / n;
      this.centroids[2 * i + 1] = y / n;
      this.add(i, this.asg[i]);
    });
  }

  get min(): number {
    return this.table.min;
  }
  get max(): number {
    return this.table.max;
  }

  private add(i: number, code: string | null): void {
    if (code !== null) {
      let s = this.members.get(code);
      if (!s) this.members.set(code, (s = new Set()));
      s.add(i);
    }
    const c = this.table.compound[i];
    if (c >= 0) {
      let m = this.compoundGrids.get(c);
      if (!m) this.compoundGrids.set(c, (m = new Map()));
      m.set(code, (m.get(code) ?? 0) + 1);
    }
  }

  private remove(i: number, code: string | null): void {
    if (code !== null) {
      const s = this.members.get(code);
      s?.delete(i);
      if (s && s.size === 0) this.members.delete(code);
    }
    const c = this.table.compound[i];
    if (c >= 0) {
      const m = this.compoundGrids.get(c)!;
      const n = (m.get(code) ?? 0) - 1;
      if (n <= 0) m.delete(code);
      else m.set(code, n);
    }
  }

  gridOf(unit: string): string | null {
    const i = this.index.get(unit);
    return i === undefined ? null : this.asg[i];
  }

  codes(): string[] {
    return [...this.members.keys()].sort();
  }

  /** Applies moves locally; returns the grid codes whose statistics changed. */
  apply(moves: Array<{ unit: string; to: string | null }>): Set<string> {
    const touched = new Set<string>();
    for (const m of moves) {
      const i = this.index.get(m.unit);
      if (i === undefined) continue;
      const from = this.asg[i];
      if (from === m.to) continue;
      this.remove(i, from);
      this.asg[i] = m.to;
      this.add(i, m.to);
      if (from) touched.add(from);
      if (m.to) touched.add(m.to);
      // compounds shared with other grids change their split count too
      const c = this.table.compound[i];
      if (c >= 0) for (const g of this.compoundGrids.get(c)?.keys() ?? []) if (g) touched.add(g);
    }
    for (const c of touched) this.statsCache.delete(c);
    return touched;
  }

  /** Grids adjacent to a grid (sharing a unit edge). */
  neighbours(code: string): Set<string> {
    const out = new Set<string>();
    const t = this.table;
    for (const v of this.members.get(code) ?? []) {
      for (let e = t.offsets[v]; e < t.offsets[v + 1]; e++) {
        const g = this.asg[t.targets[e]];
        if (g && g !== code) out.add(g);
      }
    }
    return out;
  }

  /** Units with the same compound (or block) as unit i. */
  sameGroup(i: number, by: 'compound' | 'block'): number[] {
    const key = by === 'compound' ? this.table.compound : this.table.block;
    const k = key[i];
    if (k < 0) return [i];
    const out: number[] = [];
    for (let j = 0; j < key.length; j++) if (key[j] === k) out.push(j);
    return out;
  }

  stats(code: string): GridStats {
    const hit = this.statsCache.get(code);
    if (hit) return hit;
    const t = this.table;
    const ms = this.members.get(code) ?? new Set<number>();
    let households = 0;
    let buildings = 0;
    let party = 0;
    let plaqued = 0;
    let area = 0;
    let perim = 0;
    const compounds = new Set<number>();
    for (const v of ms) {
      households += t.households[v];
      buildings += t.buildings[v];
      party += t.party[v] ?? 0; // suppressed small units (null) count as none
      plaqued += t.plaqued?.[v] ?? 0;
      area += t.area[v];
      perim += t.perimeter[v];
      if (t.compound[v] >= 0) compounds.add(t.compound[v]);
      for (let e = t.offsets[v]; e < t.offsets[v + 1]; e++) if (this.asg[t.targets[e]] === code) perim -= t.edgeLen[e];
    }
    let compoundsSplit = 0;
    for (const c of compounds) if ((this.compoundGrids.get(c)?.size ?? 0) > 1) compoundsSplit++;
    // contiguity: one BFS over the grid's units
    let contiguous = true;
    if (ms.size > 1) {
      const start = ms.values().next().value as number;
      const seen = new Set([start]);
      const stack = [start];
      while (stack.length) {
        const v = stack.pop()!;
        for (let e = t.offsets[v]; e < t.offsets[v + 1]; e++) {
          const w = t.targets[e];
          if (!seen.has(w) && this.asg[w] === code) {
            seen.add(w);
            stack.push(w);
          }
        }
      }
      contiguous = seen.size === ms.size;
    }
    const s: GridStats = {
      code,
      households,
      units: ms.size,
      buildings,
      party,
      plaqued,
      plaquedShare: party > 0 ? plaqued / party : 0,
      compoundsSplit,
      contiguous,
      polsbyPopper: perim > 0 ? (4 * Math.PI * area) / (perim * perim) : 0,
      inBand: households >= this.min && households <= this.max,
    };
    this.statsCache.set(code, s);
    return s;
  }

  summary(): PlanSummary {
    let inBand = 0;
    let nonContiguous = 0;
    let compoundsSplit = 0;
    const codes = this.codes();
    for (const c of codes) {
      const s = this.stats(c);
      if (s.inBand) inBand++;
      if (!s.contiguous) nonContiguous++;
    }
    for (const m of this.compoundGrids.values()) if (m.size > 1) compoundsSplit++;
    let unassignedHouseholds = 0;
    this.asg.forEach((g, i) => g === null && (unassignedHouseholds += this.table.households[i]));
    return { grids: codes.length, inBand, outOfBand: codes.length - inBand, nonContiguous, unassignedHouseholds, compoundsSplit };
  }
}

/** A stable, distinct-enough pastel colour for a grid code. */
const PALETTE = ['#8dd3c7', '#ffffb3', '#bebada', '#fb8072', '#80b1d3', '#fdb462', '#b3de69', '#fccde5', '#bc80bd', '#ccebc5', '#ffed6f', '#a6cee3'];
/** The two halves of the last split: strongly different colours and the tags "A" / "B". */
export const SPLIT_COLOURS = { A: '#1f78b4', B: '#e6550d' } as const;
const splitTags = new Map<string, 'A' | 'B'>();

/** Marks the two halves of a split (the previous split's marks are dropped). */
export function markSplit(a: string, b: string): void {
  splitTags.clear();
  splitTags.set(a, 'A');
  splitTags.set(b, 'B');
}

/** The codes marked by the last split. */
export function splitCodes(): string[] {
  return [...splitTags.keys()];
}

/** "A" / "B" for the halves of the last split, else null. */
export function splitTag(code: string | null): 'A' | 'B' | null {
  return code ? (splitTags.get(code) ?? null) : null;
}

export function gridColour(code: string | null): string {
  if (!code) return '#d9d9d9';
  const tag = splitTags.get(code);
  if (tag) return SPLIT_COLOURS[tag];
  let h = 0;
  for (let i = 0; i < code.length; i++) h = (h * 31 + code.charCodeAt(i)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

/** Point in polygon (ray casting) on lon/lat. */
export function pointInRing(x: number, y: number, ring: Array<[number, number]>): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi || 1e-300) + xi) inside = !inside;
  }
  return inside;
}
