/**
 * Grid state over the coarse graph with incremental updaters (households, area, perimeter,
 * internal barrier length) — the "partition + updaters" of the engine. Pure, no I/O.
 */
import type { CGraph } from './contract';
import { Scratch, removable } from './bisect';

export class GridState {
  readonly cg: CGraph;
  /** coarse node → grid index (-1 = unassigned) */
  assign: Int32Array;
  hh: number[] = [];
  area: number[] = [];
  perim: number[] = [];
  /** internal length along major streets / rail / water */
  hard: number[] = [];
  /** area-weighted first and second moments of node centroids (for the moment of inertia) */
  mx: number[] = [];
  my: number[] = [];
  mq: number[] = [];
  group: number[] = [];
  members: Set<number>[] = [];
  readonly sc: Scratch;

  constructor(cg: CGraph, sc?: Scratch) {
    this.cg = cg;
    this.assign = new Int32Array(cg.n).fill(-1);
    this.sc = sc ?? new Scratch(cg.n);
  }

  get gridCount(): number {
    return this.hh.length;
  }

  newGrid(group: number): number {
    this.hh.push(0);
    this.area.push(0);
    this.perim.push(0);
    this.hard.push(0);
    this.mx.push(0);
    this.my.push(0);
    this.mq.push(0);
    this.group.push(group);
    this.members.push(new Set());
    return this.hh.length - 1;
  }

  /** shared length and hard-barrier length between node u and grid g */
  linkTo(u: number, g: number): [number, number] {
    const { offsets, targets, len, hardLen } = this.cg;
    let L = 0,
      Hl = 0;
    for (let e = offsets[u]; e < offsets[u + 1]; e++) {
      if (this.assign[targets[e]] === g) {
        L += len[e];
        Hl += hardLen[e];
      }
    }
    return [L, Hl];
  }

  /** move node u to grid g (g = -1 unassigns) */
  move(u: number, g: number): void {
    const f = this.assign[u];
    if (f === g) return;
    const cg = this.cg;
    if (f >= 0) {
      const [L, Hl] = this.linkTo(u, f);
      this.hh[f] -= cg.hh[u];
      this.area[f] -= cg.area[u];
      this.perim[f] += -cg.perim[u] + 2 * L;
      this.hard[f] -= Hl;
      this.mx[f] -= cg.area[u] * cg.cx[u];
      this.my[f] -= cg.area[u] * cg.cy[u];
      this.mq[f] -= cg.area[u] * (cg.cx[u] ** 2 + cg.cy[u] ** 2);
      this.members[f].delete(u);
    }
    this.assign[u] = g;
    if (g >= 0) {
      const [L, Hl] = this.linkTo(u, g);
      this.hh[g] += cg.hh[u];
      this.area[g] += cg.area[u];
      this.perim[g] += cg.perim[u] - 2 * L;
      this.hard[g] += Hl;
      this.mx[g] += cg.area[u] * cg.cx[u];
      this.my[g] += cg.area[u] * cg.cy[u];
      this.mq[g] += cg.area[u] * (cg.cx[u] ** 2 + cg.cy[u] ** 2);
      this.members[g].add(u);
    }
  }

  /** can u leave its grid without disconnecting the rest of it? */
  canLeave(u: number): boolean {
    const g = this.assign[u];
    if (this.members[g].size <= 1) return false;
    return removable(this.cg, u, (v) => this.assign[v] === g, this.sc, this.members[g].size + 2);
  }

  /** grids adjacent to node u other than its own, in the same group */
  neighbourGrids(u: number): number[] {
    const g = this.assign[u];
    const out: number[] = [];
    for (let e = this.cg.offsets[u]; e < this.cg.offsets[u + 1]; e++) {
      const h = this.assign[this.cg.targets[e]];
      if (h >= 0 && h !== g && this.group[h] === this.cg.group[u] && !out.includes(h)) out.push(h);
    }
    return out;
  }

  /** boundary nodes of grid g (members with a neighbour in another grid of the same group) */
  boundary(g: number): number[] {
    const out: number[] = [];
    for (const u of this.members[g]) if (this.neighbourGrids(u).length) out.push(u);
    return out;
  }

  /** connected components of grid g's members */
  components(g: number): number[][] {
    const cg = this.cg,
      sc = this.sc;
    const st = ++sc.seenStamp;
    const comps: number[][] = [];
    for (const s of this.members[g]) {
      if (sc.seen[s] === st) continue;
      const comp = [s];
      sc.seen[s] = st;
      for (let i = 0; i < comp.length; i++) {
        const u = comp[i];
        for (let e = cg.offsets[u]; e < cg.offsets[u + 1]; e++) {
          const v = cg.targets[e];
          if (this.assign[v] === g && sc.seen[v] !== st) {
            sc.seen[v] = st;
            comp.push(v);
          }
        }
      }
      comps.push(comp);
    }
    return comps;
  }

  /** drop empty grids and renumber; returns old → new index map */
  compact(): Int32Array {
    const map = new Int32Array(this.hh.length).fill(-1);
    const keep: number[] = [];
    for (let g = 0; g < this.hh.length; g++)
      if (this.members[g].size > 0) {
        map[g] = keep.length;
        keep.push(g);
      }
    const pick = <T>(a: T[]) => keep.map((g) => a[g]);
    this.hh = pick(this.hh);
    this.area = pick(this.area);
    this.perim = pick(this.perim);
    this.hard = pick(this.hard);
    this.mx = pick(this.mx);
    this.my = pick(this.my);
    this.mq = pick(this.mq);
    this.group = pick(this.group);
    this.members = pick(this.members);
    for (let u = 0; u < this.assign.length; u++) if (this.assign[u] >= 0) this.assign[u] = map[this.assign[u]];
    return map;
  }
}
