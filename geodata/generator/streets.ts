/**
 * The street network, planned in lattice space: arterials on the 900 m lattice lines, secondaries
 * on the 450 m mid-lines, local streets inside each urban 450 m cell (3 per direction in the old
 * town, 1-2 in the new districts), lanes through old-town blocks. Pieces are noded: every piece
 * ends at every point where another piece ends or crosses, so crossing lines share vertices.
 * In the townships the lattice lines are county roads (secondary) and village roads (local).
 */
import { A, U0, V0, NI, NJ, type Warp, type Rect } from './lattice';
import type { XY } from './proj';
import type { Rng } from '../../common/rng';
import { NamePool } from './names';
import type { Zone } from './subdistricts';

export type StreetClass = 'arterial' | 'secondary' | 'local' | 'lane' | 'path' | 'rail';
export const S = A / 2; // secondary cell size

export interface StreetPiece {
  id: string;
  name: string;
  cls: StreetClass;
  /** true: along constant v (line = v, a..b in u); false: along constant u. */
  h: boolean;
  line: number;
  a: number;
  b: number;
  nameKey: string;
  commercial: boolean;
  coords: [XY, XY];
}

export interface SecondaryCell {
  p: number;
  q: number;
  rect: Rect;
  zone: Zone;
  /** Interior local-street cut positions (u and v), sorted. */
  uCuts: number[];
  vCuts: number[];
}

export interface StreetPlan {
  pieces: StreetPiece[];
  byLine: Map<string, StreetPiece[]>;
  cells: SecondaryCell[][]; // [p][q]
  /** Lane v-position for old-town blocks, keyed by block rect key. */
  lanes: Map<string, number>;
}

export const NP = NI * 2;
export const NQ = NJ * 2;
export const lineKey = (h: boolean, line: number): string => `${h ? 'h' : 'v'}:${line}`;
export const rectKey = (r: Rect): string => `${r.u0},${r.v0},${r.u1},${r.v1}`;

interface RawPiece {
  h: boolean;
  line: number;
  a: number;
  b: number;
  cls: StreetClass;
  nameKey: string;
  zones: Zone[];
}

export interface StreetInputs {
  rng: Rng;
  warp: Warp;
  zoneOf: (p: number, q: number) => Zone;
  inLandOrCanal: (pt: XY) => boolean;
  canal: { u: number; v0: number; v1: number };
}

export function planStreets({ rng, warp, zoneOf, inLandOrCanal, canal }: StreetInputs): StreetPlan {
  const r = rng.fork('streets');
  const cells: SecondaryCell[][] = [];
  for (let p = 0; p < NP; p++) {
    cells.push([]);
    for (let q = 0; q < NQ; q++) {
      const rect = { u0: U0 + S * p, v0: V0 + S * q, u1: U0 + S * (p + 1), v1: V0 + S * (q + 1) };
      const zone = zoneOf(p, q);
      const cuts = (lo: number): number[] => {
        const n = zone === 'old' ? r.pick([2, 3, 3]) : zone === 'mid' ? r.pick([1, 2, 2]) : zone === 'new' ? r.pick([1, 1, 2]) : 0;
        const out: number[] = [];
        for (let k = 1; k <= n; k++) out.push(lo + Math.round((S * k) / (n + 1) + r.range(-12, 12)));
        return out;
      };
      cells[p].push({ p, q, rect, zone, uCuts: cuts(rect.u0), vCuts: cuts(rect.v0) });
    }
  }
  const urban = (z: Zone) => z !== 'rural';
  const raw: RawPiece[] = [];
  // secondary-cell edges: horizontal edges at v = V0 + S*q, shared by cells (p, q-1) and (p, q)
  for (let p = 0; p < NP; p++)
    for (let q = 0; q <= NQ; q++) {
      const zones = [q > 0 ? cells[p][q - 1].zone : 'rural', q < NQ ? cells[p][q].zone : 'rural'] as Zone[];
      const onArterial = q % 2 === 0;
      const isUrban = zones.some(urban);
      const cls: StreetClass = onArterial ? (isUrban ? 'arterial' : 'secondary') : isUrban ? 'secondary' : 'local';
      const v = V0 + S * q;
      raw.push({ h: true, line: v, a: U0 + S * p, b: U0 + S * (p + 1), cls, nameKey: `${cls}:h:${v}:${isUrban ? 'u' : 'r'}`, zones });
    }
  for (let p = 0; p <= NP; p++)
    for (let q = 0; q < NQ; q++) {
      const u = U0 + S * p;
      const v0 = V0 + S * q;
      if (u === canal.u && v0 >= canal.v0 - S && v0 + S <= canal.v1 + S) continue; // 新河 canal runs here
      const zones = [p > 0 ? cells[p - 1][q].zone : 'rural', p < NP ? cells[p][q].zone : 'rural'] as Zone[];
      const onArterial = p % 2 === 0;
      const isUrban = zones.some(urban);
      const cls: StreetClass = onArterial ? (isUrban ? 'arterial' : 'secondary') : isUrban ? 'secondary' : 'local';
      raw.push({ h: false, line: u, a: v0, b: v0 + S, cls, nameKey: `${cls}:v:${u}:${isUrban ? 'u' : 'r'}`, zones });
    }
  // local streets inside urban cells, and lanes through old-town blocks
  const lanes = new Map<string, number>();
  for (const col of cells)
    for (const c of col) {
      if (!urban(c.zone)) continue;
      const us = [c.rect.u0, ...c.uCuts, c.rect.u1];
      const vs = [c.rect.v0, ...c.vCuts, c.rect.v1];
      for (const u of c.uCuts)
        for (let k = 0; k + 1 < vs.length; k++)
          raw.push({ h: false, line: u, a: vs[k], b: vs[k + 1], cls: 'local', nameKey: `local:v:${u}:${c.p},${c.q}`, zones: [c.zone] });
      for (const v of c.vCuts)
        for (let k = 0; k + 1 < us.length; k++)
          raw.push({ h: true, line: v, a: us[k], b: us[k + 1], cls: 'local', nameKey: `local:h:${v}:${c.p},${c.q}`, zones: [c.zone] });
      if (c.zone !== 'old') continue;
      for (let a = 0; a + 1 < us.length; a++)
        for (let b = 0; b + 1 < vs.length; b++) {
          const rect = { u0: us[a], v0: vs[b], u1: us[a + 1], v1: vs[b + 1] };
          if (rect.v1 - rect.v0 < 90 || !r.chance(0.75)) continue;
          const lv = Math.round((rect.v0 + rect.v1) / 2 + r.range(-8, 8));
          lanes.set(rectKey(rect), lv);
          raw.push({ h: true, line: lv, a: rect.u0, b: rect.u1, cls: 'lane', nameKey: `lane:${rectKey(rect)}`, zones: [c.zone] });
        }
    }

  // noding: split every piece at every registered end point lying inside it
  const ends = new Map<string, Set<number>>();
  const reg = (h: boolean, line: number, x: number) => {
    const k = lineKey(h, line);
    let s = ends.get(k);
    if (!s) ends.set(k, (s = new Set()));
    s.add(x);
  };
  for (const pc of raw) {
    reg(pc.h, pc.line, pc.a);
    reg(pc.h, pc.line, pc.b);
    reg(!pc.h, pc.a, pc.line);
    reg(!pc.h, pc.b, pc.line);
  }
  const sortedEnds = new Map<string, number[]>();
  for (const [k, s] of ends)
    sortedEnds.set(
      k,
      [...s].sort((x, y) => x - y),
    );

  const names = new NamePool(r.fork('names'));
  const nameOf = new Map<string, string>();
  const nameFor = (key: string, cls: StreetClass, isUrban: boolean): string => {
    let n = nameOf.get(key);
    if (n) return n;
    const suffix =
      cls === 'lane'
        ? '巷'
        : cls === 'local'
          ? isUrban
            ? r.pick(['街', '巷', '路'])
            : '村道'
          : isUrban
            ? cls === 'arterial'
              ? '路'
              : r.pick(['路', '街'])
            : '公路';
    n = names.next(suffix);
    nameOf.set(key, n);
    return n;
  };

  const pieces: StreetPiece[] = [];
  for (const pc of raw) {
    const pts = sortedEnds.get(lineKey(pc.h, pc.line))!.filter((x) => x > pc.a && x < pc.b);
    const stops = [pc.a, ...pts, pc.b];
    for (let k = 0; k + 1 < stops.length; k++) {
      const a = stops[k];
      const b = stops[k + 1];
      const pa = pc.h ? warp.map(a, pc.line) : warp.map(pc.line, a);
      const pb = pc.h ? warp.map(b, pc.line) : warp.map(pc.line, b);
      const pm = pc.h ? warp.map((a + b) / 2, pc.line) : warp.map(pc.line, (a + b) / 2);
      if (!inLandOrCanal(pa) || !inLandOrCanal(pb) || !inLandOrCanal(pm)) continue;
      pieces.push({
        id: '',
        name: nameFor(pc.nameKey, pc.cls, pc.zones.some(urban)),
        cls: pc.cls,
        h: pc.h,
        line: pc.line,
        a,
        b,
        nameKey: pc.nameKey,
        commercial: false,
        coords: [pa, pb],
      });
    }
  }

  // commercial streets: whole urban arterial/secondary runs, old town first, about 11 km of street
  const runLen = new Map<string, { len: number; w: number }>();
  for (const pc of pieces) {
    if (pc.cls !== 'arterial' && pc.cls !== 'secondary') continue;
    if (!pc.nameKey.endsWith(':u')) continue;
    const e = runLen.get(pc.nameKey) ?? { len: 0, w: 0 };
    const len = Math.hypot(pc.coords[1][0] - pc.coords[0][0], pc.coords[1][1] - pc.coords[0][1]);
    e.len += len;
    const cellZone = zoneAt(cells, pc);
    e.w += len * (cellZone === 'old' ? 4 : cellZone === 'mid' ? 2 : 1);
    runLen.set(pc.nameKey, e);
  }
  const keys = [...runLen.keys()].filter((k) => runLen.get(k)!.len > 600);
  const chosen = new Set<string>();
  let total = 0;
  while (total < 11000 && chosen.size < keys.length) {
    const rest = keys.filter((k) => !chosen.has(k));
    const k = rest[r.weighted(rest.map((x) => runLen.get(x)!.w / runLen.get(x)!.len ** 0.5))];
    chosen.add(k);
    total += runLen.get(k)!.len;
  }
  const byLine = new Map<string, StreetPiece[]>();
  pieces.forEach((pc, i) => {
    pc.id = `st${String(i + 1).padStart(5, '0')}`;
    pc.commercial = chosen.has(pc.nameKey) && zoneAt(cells, pc) !== 'rural';
    const k = lineKey(pc.h, pc.line);
    let l = byLine.get(k);
    if (!l) byLine.set(k, (l = []));
    l.push(pc);
  });
  return { pieces, byLine, cells, lanes };
}

/** Zone of the secondary cell on the low side of a piece (or high side at the lattice edge). */
function zoneAt(cells: SecondaryCell[][], pc: { h: boolean; line: number; a: number; b: number }): Zone {
  const mid = (pc.a + pc.b) / 2;
  const p = Math.floor(((pc.h ? mid : pc.line) - U0) / S);
  const q = Math.floor(((pc.h ? pc.line : mid) - V0) / S);
  const pp = Math.min(Math.max(p, 0), NP - 1);
  const qq = Math.min(Math.max(q, 0), NQ - 1);
  return cells[pp][qq].zone;
}

/** The kept street piece on the given line covering the point x, if any. */
export function pieceAt(plan: StreetPlan, h: boolean, line: number, x: number): StreetPiece | undefined {
  const l = plan.byLine.get(lineKey(h, line));
  if (!l) return undefined;
  return l.find((pc) => pc.a <= x && x <= pc.b);
}
