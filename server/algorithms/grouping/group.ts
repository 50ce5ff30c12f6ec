/**
 * Ten-household joint-defense grouping: partition shops into groups of `size` (default 10, all
 * sizes within [min, max]) by WALKING distance, never across a partition key (grid) unless asked.
 *
 * Per partition: several initial capacitated clusterings (runs along a Hilbert order, runs along
 * a nearest-neighbour chain on the walking network, greedy compact growth), each improved by swaps
 * and size-preserving moves between neighbouring groups; the best result wins. The objective per
 * group is diameter + 0.5 × mean pairwise distance (both walking metres).
 */
import type { DistanceOracle } from './oracle';
import { hilbertOrder } from './order';
import { targetSizes } from './sizes';

export interface GroupingInput {
  oracle: DistanceOracle;
  /** Projected coordinates in metres, flat x,y per item (for the space-filling order). */
  xy?: ArrayLike<number>;
  /** Partition key per item (e.g. grid code); items with different keys never share a group. */
  partition?: (string | null | undefined)[];
  /** Items that should lead the group they end up in. */
  preferredLeaders?: Iterable<number>;
}

export interface GroupingOptions {
  size?: number;
  min?: number;
  max?: number;
  /** Walking speed for max_response_s (default 1.2 m/s). */
  speedMps?: number;
  /** Ignore the partition keys (let groups cross grid boundaries). */
  crossPartitions?: boolean;
  /** Max local-search passes per start (default 30). */
  maxPasses?: number;
  /** Neighbour list length used to find neighbouring groups (default 12). */
  neighborK?: number;
}

export interface Group {
  members: number[];
  leader: number;
  partition: string | null;
  /** Largest walking distance between two members (m); Infinity when not all connected. */
  diameterM: number;
  /** Mean walking distance over member pairs (m). */
  meanPairM: number;
  /** Time for the slowest member to walk to the leader (s). */
  maxResponseS: number;
}

export interface GroupingResult {
  groups: Group[];
  warnings: string[];
}

const BIG = 1e7; // stands in for "unreachable" inside the search

export function groupShops(input: GroupingInput, opts: GroupingOptions = {}): GroupingResult {
  const { oracle } = input;
  const size = opts.size ?? 10,
    min = opts.min ?? Math.min(size, 8),
    max = opts.max ?? Math.max(size, 12);
  const speed = opts.speedMps ?? 1.2;
  const warnings: string[] = [];
  const parts = new Map<string, number[]>();
  for (let i = 0; i < oracle.n; i++) {
    const key = opts.crossPartitions ? '' : (input.partition?.[i] ?? '');
    const l = parts.get(key);
    if (l) l.push(i);
    else parts.set(key, [i]);
  }
  const preferred = new Set(input.preferredLeaders ?? []);
  const groups: Group[] = [];
  for (const [key, items] of [...parts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const plan = targetSizes(items.length, size, min, max);
    if (plan.warning) warnings.push(key ? `grid ${key}: ${plan.warning}` : plan.warning);
    const solved = solvePartition(items, plan.sizes, input, opts);
    for (const members of solved) {
      const g = describeGroup(members, oracle, preferred, speed);
      g.partition = key || null;
      if (!Number.isFinite(g.diameterM)) warnings.push(`a group${key ? ` in grid ${key}` : ''} has members not connected by streets (leader item ${g.leader})`);
      groups.push(g);
    }
  }
  return { groups, warnings };
}

/** Leader = member minimising the max walking distance to the others (preferred leaders first). */
export function chooseLeader(members: number[], oracle: DistanceOracle, preferred?: Set<number>): number {
  const pool = preferred && members.some((m) => preferred.has(m)) ? members.filter((m) => preferred.has(m)) : members;
  let best = pool[0],
    bestMax = Infinity,
    bestSum = Infinity;
  for (const a of pool) {
    let mx = 0,
      sum = 0;
    for (const b of members) {
      if (a === b) continue;
      const d = oracle.dist(a, b);
      if (d > mx) mx = d;
      sum += d;
    }
    if (mx < bestMax || (mx === bestMax && sum < bestSum)) {
      best = a;
      bestMax = mx;
      bestSum = sum;
    }
  }
  return best;
}

export function describeGroup(members: number[], oracle: DistanceOracle, preferred: Set<number> | undefined, speed: number): Group {
  const leader = chooseLeader(members, oracle, preferred);
  let diam = 0,
    sum = 0,
    pairs = 0,
    resp = 0;
  for (let a = 0; a < members.length; a++) {
    for (let b = a + 1; b < members.length; b++) {
      const d = oracle.dist(members[a], members[b]);
      if (d > diam) diam = d;
      sum += d;
      pairs++;
    }
    if (members[a] !== leader) resp = Math.max(resp, oracle.dist(leader, members[a]));
  }
  return {
    members: members.slice().sort((a, b) => a - b),
    leader,
    partition: null,
    diameterM: diam,
    meanPairM: pairs ? sum / pairs : 0,
    maxResponseS: resp / speed,
  };
}

// ---------------------------------------------------------------------------------------------

function solvePartition(items: number[], sizes: number[], input: GroupingInput, opts: GroupingOptions): number[][] {
  if (sizes.length <= 1) return sizes.length ? [items.slice()] : [];
  const m = items.length;
  const { oracle } = input;
  const local = new Map<number, number>();
  items.forEach((g, l) => local.set(g, l));
  const d = (a: number, b: number) => {
    if (a === b) return 0;
    const v = oracle.dist(items[a], items[b]);
    return Number.isFinite(v) ? v : BIG;
  };
  const K = opts.neighborK ?? 12;
  const nbrs: Int32Array[] = new Array(m);
  for (let a = 0; a < m; a++) {
    const out: number[] = [];
    for (const g of Array.from(oracle.neighbors(items[a]))) {
      const l = local.get(g);
      if (l !== undefined && l !== a) out.push(l);
      if (out.length >= K) break;
    }
    nbrs[a] = Int32Array.from(out);
  }
  const localIdx = Array.from({ length: m }, (_, i) => i);
  const hOrder = input.xy ? hilbertOrder(items, input.xy).map((g) => local.get(g)!) : localIdx;

  const starts: number[][] = [];
  starts.push(runsToAssignment(hOrder, sizes, m));
  starts.push(runsToAssignment(chainOrder(hOrder, nbrs), sizes, m));
  starts.push(growGroups(hOrder, sizes, nbrs, d, m));

  let best: number[] | null = null,
    bestCost = Infinity;
  for (const s of starts) {
    const ls = new LocalSearch(s, sizes.length, d, nbrs);
    ls.improve(opts.maxPasses ?? 30);
    const c = ls.totalCost();
    if (c < bestCost) {
      bestCost = c;
      best = ls.groupOf;
    }
  }
  const out: number[][] = Array.from({ length: sizes.length }, () => []);
  best!.forEach((g, a) => out[g].push(items[a]));
  return out.filter((g) => g.length > 0);
}

function runsToAssignment(order: number[], sizes: number[], m: number): number[] {
  const groupOf = new Array<number>(m);
  let g = 0,
    filled = 0;
  for (const a of order) {
    if (filled === sizes[g]) {
      g++;
      filled = 0;
    }
    groupOf[a] = g;
    filled++;
  }
  return groupOf;
}

/** Nearest-neighbour chain over the walking neighbour lists; jumps along `fallback` when stuck. */
function chainOrder(fallback: number[], nbrs: Int32Array[]): number[] {
  const m = fallback.length;
  const seen = new Uint8Array(m);
  const out: number[] = [];
  let cursor = 0;
  let cur = fallback[0];
  while (out.length < m) {
    seen[cur] = 1;
    out.push(cur);
    let next = -1;
    for (const b of nbrs[cur])
      if (!seen[b]) {
        next = b;
        break;
      }
    if (next < 0) {
      while (cursor < m && seen[fallback[cursor]]) cursor++;
      if (cursor >= m) break;
      next = fallback[cursor];
    }
    cur = next;
  }
  return out;
}

/** Greedy growth: seed at the first unassigned item in order, add the candidate with least max distance. */
function growGroups(order: number[], sizes: number[], nbrs: Int32Array[], d: (a: number, b: number) => number, m: number): number[] {
  const groupOf = new Array<number>(m).fill(-1);
  let cursor = 0;
  for (let g = 0; g < sizes.length; g++) {
    while (cursor < m && groupOf[order[cursor]] >= 0) cursor++;
    if (cursor >= m) break;
    const members = [order[cursor]];
    groupOf[order[cursor]] = g;
    const cand = new Map<number, number>(); // candidate -> max distance to members
    const addCands = (a: number) => {
      for (const b of nbrs[a])
        if (groupOf[b] < 0 && !cand.has(b)) {
          let mx = 0;
          for (const x of members) mx = Math.max(mx, d(b, x));
          cand.set(b, mx);
        }
    };
    addCands(members[0]);
    let scan = cursor;
    while (members.length < sizes[g]) {
      let pick = -1,
        pickD = Infinity;
      for (const [b, mx] of cand)
        if (mx < pickD || (mx === pickD && b < pick)) {
          pick = b;
          pickD = mx;
        }
      if (pick < 0) {
        while (scan < m && groupOf[order[scan]] >= 0) scan++;
        if (scan >= m) break;
        pick = order[scan];
      }
      cand.delete(pick);
      groupOf[pick] = g;
      members.push(pick);
      for (const [b, mx] of cand) cand.set(b, Math.max(mx, d(b, pick)));
      addCands(pick);
    }
  }
  // Leftovers (only when neighbour lists ran dry): fill groups that are short, in order.
  const counts = new Array<number>(sizes.length).fill(0);
  for (const g of groupOf) if (g >= 0) counts[g]++;
  for (const a of order) {
    if (groupOf[a] >= 0) continue;
    const g = counts.findIndex((c, i) => c < sizes[i]);
    groupOf[a] = g;
    counts[g]++;
  }
  return groupOf;
}

const MEAN_WEIGHT = 0.5;

/** Swap / move local search on group costs diameter + MEAN_WEIGHT * mean pair distance. */
class LocalSearch {
  members: number[][];
  diam: Float64Array;
  sum: Float64Array;

  constructor(
    public groupOf: number[],
    k: number,
    private d: (a: number, b: number) => number,
    private nbrs: Int32Array[],
  ) {
    this.members = Array.from({ length: k }, () => []);
    groupOf.forEach((g, a) => this.members[g].push(a));
    this.diam = new Float64Array(k);
    this.sum = new Float64Array(k);
    for (let g = 0; g < k; g++) this.refresh(g);
  }

  private refresh(g: number): void {
    const mem = this.members[g];
    let diam = 0,
      sum = 0;
    for (let i = 0; i < mem.length; i++)
      for (let j = i + 1; j < mem.length; j++) {
        const v = this.d(mem[i], mem[j]);
        if (v > diam) diam = v;
        sum += v;
      }
    this.diam[g] = diam;
    this.sum[g] = sum;
  }

  private cost(diam: number, sum: number, s: number): number {
    return diam + (s > 1 ? (MEAN_WEIGHT * sum) / ((s * (s - 1)) / 2) : 0);
  }

  groupCost(g: number): number {
    return this.cost(this.diam[g], this.sum[g], this.members[g].length);
  }

  totalCost(): number {
    let c = 0;
    for (let g = 0; g < this.members.length; g++) c += this.groupCost(g);
    return c;
  }

  /** For each member index: diameter without it, and its row sum. */
  private profile(g: number): { without: Float64Array; row: Float64Array } {
    const mem = this.members[g],
      s = mem.length;
    const row = new Float64Array(s);
    const pairs: [number, number, number][] = [];
    for (let i = 0; i < s; i++)
      for (let j = i + 1; j < s; j++) {
        const v = this.d(mem[i], mem[j]);

        row[i] += v;
        row[j] += v;
        pairs.push([v, i, j]);
      }
    pairs.sort((a, b) => b[0] - a[0]);
    const without = new Float64Array(s);
    for (let x = 0; x < s; x++) {
      for (const [v, i, j] of pairs)
        if (i !== x && j !== x) {
          without[x] = v;
          break;
        }
    }
    return { without, row };
  }

  improve(maxPasses: number): void {
    const k = this.members.length;
    for (let pass = 0; pass < maxPasses; pass++) {
      let improved = 0;
      for (let A = 0; A < k; A++) {
        const cands = new Set<number>();
        for (const a of this.members[A])
          for (const b of this.nbrs[a]) {
            const B = this.groupOf[b];
            if (B !== A) cands.add(B);
          }
        for (const B of cands) if (this.tryPair(A, B)) improved++;
      }
      if (improved === 0) break;
    }
  }

  /** Best swap or size-preserving move between groups A and B; applies it if it lowers the cost. */
  private tryPair(A: number, B: number): boolean {
    const MA = this.members[A],
      MB = this.members[B];
    const sa = MA.length,
      sb = MB.length;
    const pa = this.profile(A),
      pb = this.profile(B);
    // cross[i*sb+j] = d(MA[i], MB[j])
    const cross = new Float64Array(sa * sb);
    for (let i = 0; i < sa; i++) for (let j = 0; j < sb; j++) cross[i * sb + j] = this.d(MA[i], MB[j]);
    const before = this.groupCost(A) + this.groupCost(B);
    let bestGain = 1e-9,
      bx = -1,
      by = -1;
    // Swaps.
    for (let x = 0; x < sa; x++) {
      for (let y = 0; y < sb; y++) {
        // New A = A - x + y
        let dA = pa.without[x],
          sA = this.sum[A] - pa.row[x];
        for (let i = 0; i < sa; i++)
          if (i !== x) {
            const v = cross[i * sb + y];
            if (v > dA) dA = v;
            sA += v;
          }
        let dB = pb.without[y],
          sB = this.sum[B] - pb.row[y];
        for (let j = 0; j < sb; j++)
          if (j !== y) {
            const v = cross[x * sb + j];
            if (v > dB) dB = v;
            sB += v;
          }
        const gain = before - this.cost(dA, sA, sa) - this.cost(dB, sB, sb);
        if (gain > bestGain) {
          bestGain = gain;
          bx = x;
          by = y;
        }
      }
    }
    // Moves keep the multiset of sizes: only from the group one larger to the other.
    if (sa === sb + 1) {
      for (let x = 0; x < sa; x++) {
        let dB = this.diam[B],
          sB = this.sum[B];
        for (let j = 0; j < sb; j++) {
          const v = cross[x * sb + j];
          if (v > dB) dB = v;
          sB += v;
        }
        const gain = before - this.cost(pa.without[x], this.sum[A] - pa.row[x], sa - 1) - this.cost(dB, sB, sb + 1);
        if (gain > bestGain) {
          bestGain = gain;
          bx = x;
          by = -1;
        }
      }
    } else if (sb === sa + 1) {
      for (let y = 0; y < sb; y++) {
        let dA = this.diam[A],
          sA = this.sum[A];
        for (let i = 0; i < sa; i++) {
          const v = cross[i * sb + y];
          if (v > dA) dA = v;
          sA += v;
        }
        const gain = before - this.cost(dA, sA, sa + 1) - this.cost(pb.without[y], this.sum[B] - pb.row[y], sb - 1);
        if (gain > bestGain) {
          bestGain = gain;
          bx = -1;
          by = y;
        }
      }
    }
    if (bx < 0 && by < 0) return false;
    if (bx >= 0 && by >= 0) {
      const x = MA[bx],
        y = MB[by];
      MA[bx] = y;
      MB[by] = x;
      this.groupOf[x] = B;
      this.groupOf[y] = A;
    } else if (bx >= 0) {
      const x = MA.splice(bx, 1)[0];
      MB.push(x);
      this.groupOf[x] = B;
    } else {
      const y = MB.splice(by, 1)[0];
      MA.push(y);
      this.groupOf[y] = A;
    }
    this.refresh(A);
    this.refresh(B);
    return true;
  }
}
