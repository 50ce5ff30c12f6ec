import { describe, expect, it } from 'vitest';
import { buildUnitGraph } from '../../../server/algorithms/partition/graph';
import { EDGE_MAJOR, EDGE_NONE } from '../../../server/algorithms/partition/types';
import { straightLattice, verticalStreet } from './helpers';

const edges = (g: ReturnType<typeof buildUnitGraph>) => {
  const out: [string, string, number, number][] = [];
  for (let u = 0; u < g.n; u++)
    for (let e = g.offsets[u]; e < g.offsets[u + 1]; e++) if (g.targets[e] > u) out.push([g.ids[u], g.ids[g.targets[e]], g.edgeLen[e], g.edgeClass[e]]);
  return out;
};

describe('buildUnitGraph', () => {
  it('rook adjacency on a 2×2 lattice: 4 edges of 50 m, no diagonal (corner) edges', () => {
    const g = buildUnitGraph(straightLattice(2, 2, () => 10));
    const es = edges(g);
    expect(es).toHaveLength(4);
    for (const [, , len] of es) expect(len).toBeCloseTo(50, 0);
    expect(es.some(([a, b]) => (a === 'u0_0' && b === 'u1_1') || (a === 'u1_0' && b === 'u0_1'))).toBe(false);
    expect(Math.abs(g.area[0] - 2500)).toBeLessThan(10);
    expect(g.perimeter[0]).toBeCloseTo(200, 0);
  });

  it('finds T-junction adjacency (one long edge against two short ones)', () => {
    const d = 50 / 111_195,
      e = d / Math.cos((30.5 * Math.PI) / 180);
    const sq = (x0: number, y0: number, x1: number, y1: number) => [
      [
        [117 + x0 * e, 30.5 + y0 * d],
        [117 + x1 * e, 30.5 + y0 * d],
        [117 + x1 * e, 30.5 + y1 * d],
        [117 + x0 * e, 30.5 + y1 * d],
        [117 + x0 * e, 30.5 + y0 * d],
      ],
    ];
    const g = buildUnitGraph([
      { id: 'big', households: 1, polygons: [sq(0, 0, 2, 1)] },
      { id: 'a', households: 1, polygons: [sq(0, 1, 1, 2)] },
      { id: 'b', households: 1, polygons: [sq(1, 1, 2, 2)] },
    ]);
    const es = edges(g).map(([a, b, l]) => [a, b, Math.round(l)]);
    expect(es).toContainEqual(['big', 'a', 50]);
    expect(es).toContainEqual(['big', 'b', 50]);
    expect(es).toContainEqual(['a', 'b', 50]);
  });

  it('labels adjacencies along a barrier line with its class, others none', () => {
    const g = buildUnitGraph(
      straightLattice(4, 2, () => 10),
      [verticalStreet(2, 2, 'major')],
    );
    for (const [a, b, , cls] of edges(g)) {
      const ia = Number(a.slice(1).split('_')[0]),
        ib = Number(b.slice(1).split('_')[0]);
      const crosses = Math.min(ia, ib) === 1 && Math.max(ia, ib) === 2;
      expect(cls).toBe(crosses ? EDGE_MAJOR : EDGE_NONE);
    }
  });

  it('ignores shared boundaries shorter than 1 m', () => {
    const d = 0.5 / 111_195;
    const sq = (x0: number) => [
      [
        [117 + x0, 30.5],
        [117 + x0 + 100 * d, 30.5],
        [117 + x0 + 100 * d, 30.5 + d],
        [117 + x0, 30.5 + d],
        [117 + x0, 30.5],
      ],
    ];
    const g = buildUnitGraph([
      { id: 'a', households: 1, polygons: [sq(0)] },
      { id: 'b', households: 1, polygons: [sq(100 * d)] },
    ]);
    expect(edges(g)).toHaveLength(0);
  });
});
