import type { PartitionUnit, Barrier } from '../../../server/algorithms/partition/types';
import { makeRng } from '../../../server/algorithms/partition/rng';
import { buildUnitGraph } from '../../../server/algorithms/partition/graph';
import { contractGraph } from '../../../server/algorithms/partition/contract';
import { GridState } from '../../../server/algorithms/partition/state';
import { Scratch, recursiveBisect } from '../../../server/algorithms/partition/bisect';
import { polsbyPopper } from '../../../server/algorithms/geo/polygon';

/** Jittered lattice of cols×rows units, ~50 m cells, exactly shared vertices. */
export function lattice(
  cols: number,
  rows: number,
  hh: (i: number, j: number) => number,
  seed = 1,
  extra: (i: number, j: number) => Partial<PartitionUnit> = () => ({}),
): PartitionUnit[] {
  const rng = makeRng(seed);
  const d = 50 / 111_195;
  const vx: number[][] = [],
    vy: number[][] = [];
  for (let j = 0; j <= rows; j++) {
    vx.push([]);
    vy.push([]);
    for (let i = 0; i <= cols; i++) {
      const interior = i > 0 && j > 0 && i < cols && j < rows;
      vx[j].push(117 + (i + (interior ? (rng() - 0.5) * 0.6 : 0)) * d);
      vy[j].push(30.5 + (j + (interior ? (rng() - 0.5) * 0.6 : 0)) * d);
    }
  }
  const P = (i: number, j: number) => [vx[j][i], vy[j][i]];
  const out: PartitionUnit[] = [];
  for (let j = 0; j < rows; j++)
    for (let i = 0; i < cols; i++) {
      out.push({
        id: `u${i}_${j}`,
        households: hh(i, j),
        subdistrict: 'S',
        polygons: [[[P(i, j), P(i + 1, j), P(i + 1, j + 1), P(i, j + 1), P(i, j)]]],
        ...extra(i, j),
      });
    }
  return out;
}

/** vertical street line along lattice column i (requires no jitter on that column: use straight lattice) */
export function straightLattice(
  cols: number,
  rows: number,
  hh: (i: number, j: number) => number,
  extra: (i: number, j: number) => Partial<PartitionUnit> = () => ({}),
): PartitionUnit[] {
  const d = 50 / 111_195,
    dx = d / Math.cos((30.5 * Math.PI) / 180);
  const P = (i: number, j: number) => [117 + i * dx, 30.5 + j * d];
  const out: PartitionUnit[] = [];
  for (let j = 0; j < rows; j++)
    for (let i = 0; i < cols; i++) {
      out.push({
        id: `u${i}_${j}`,
        households: hh(i, j),
        subdistrict: 'S',
        polygons: [[[P(i, j), P(i + 1, j), P(i + 1, j + 1), P(i, j + 1), P(i, j)]]],
        ...extra(i, j),
      });
    }
  return out;
}

export function verticalStreet(i: number, rows: number, cls: Barrier['cls']): Barrier {
  const d = 50 / 111_195,
    dx = d / Math.cos((30.5 * Math.PI) / 180);
  return {
    cls,
    lines: [
      [
        [117 + i * dx, 30.5],
        [117 + i * dx, 30.5 + rows * d],
      ],
    ],
  };
}

/** Polsby-Popper of grid x. */
export const pp = (st: GridState, x: number) => polsbyPopper(st.area[x], st.perim[x]);

/** The grids that hold units. */
export const live = (st: GridState) => [...Array(st.gridCount).keys()].filter((x) => st.members[x].size > 0);

/**
 * The polish and anneal properties' start: a cols×rows straight lattice of 5-45-household units
 * (seeded), sub-district S west and T east, a major street along column `street`, contracted by
 * sub-district and cut by recursive bisection into ≈400-household grids (coarse, not polished).
 */
export function bisectedStreetLattice(cols: number, rows: number, seed: number, street: number) {
  const rng = makeRng(seed);
  const hh = Array.from({ length: cols * rows }, () => Math.round(5 + rng() * 40));
  // straight lattice: the street runs exactly along a column line of units
  const units = straightLattice(
    cols,
    rows,
    (i, j) => hh[j * cols + i],
    (i) => ({ subdistrict: i < cols / 2 ? 'S' : 'T' }),
  );
  const g = buildUnitGraph(units, [verticalStreet(Math.min(street, cols - 1), rows, 'major')]);
  const { cg } = contractGraph(g, Int32Array.from(g.subdistrict), new Int32Array(g.n).fill(-1));
  const build = () => {
    const sc = new Scratch(cg.n);
    const st = new GridState(cg, sc);
    const bp = { min: 300, max: 500, target: 400, rng: makeRng(seed) };
    for (const gr of [0, 1]) {
      const nodes = [...Array(cg.n).keys()].filter((c) => cg.group[c] === gr);
      const H = nodes.reduce((s, c) => s + cg.hh[c], 0);
      for (const part of recursiveBisect(cg, nodes, Math.max(1, Math.round(H / 400)), bp, sc)) {
        const x = st.newGrid(gr);
        for (const c of part) st.move(c, x);
      }
    }
    return st;
  };
  return { cg, build };
}
