import type { PartitionUnit, Barrier } from '../../../server/algorithms/partition/types';
import { makeRng } from '../../../server/algorithms/partition/rng';

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
