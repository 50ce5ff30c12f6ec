import { describe, expect, it } from 'vitest';
import { lattice, straightLattice } from './helpers';
import { buildUnitGraph } from '../../../server/algorithms/partition/graph';
import { buildGroups } from '../../../server/algorithms/partition/groups';
import { subdistrictComponents } from '../../../server/algorithms/partition/constraints';
import { partition, resolveOptions } from '../../../server/algorithms/partition/engine';
import type { PartitionWarning } from '../../../server/algorithms/partition/types';

/** 10×10 lattice; `per` households per unit; community = column band of `w` columns */
const units = (per: number, w: number) =>
  lattice(
    10,
    10,
    () => per,
    3,
    (i) => ({ community: `C${Math.floor(i / w)}` }),
  );

describe('rural groups', () => {
  it('one group for a sub-district whose communities average fewer than max households (5 × 200 hh)', () => {
    const g = buildUnitGraph(units(10, 2), []);
    const { comp, count } = subdistrictComponents(g);
    const warnings: PartitionWarning[] = [],
      rural = new Set<number>();
    const group = buildGroups(g, comp, count, resolveOptions({}), warnings, rural);
    expect(new Set(group).size).toBe(1);
    expect([...rural]).toEqual([group[0]]);
    expect(warnings.filter((w) => w.code === 'community_infeasible')).toHaveLength(1);
    expect(warnings[0].message).toContain('across community boundaries');
  });

  it('communities that can hold grids keep their own groups (2 × 1000 hh)', () => {
    const g = buildUnitGraph(units(20, 5), []);
    const { comp, count } = subdistrictComponents(g);
    const rural = new Set<number>();
    const group = buildGroups(g, comp, count, resolveOptions({}), [], rural);
    expect(new Set(group).size).toBe(2);
    expect(rural.size).toBe(0);
  });

  it('rural partition: in band, contiguous, deterministic, and compact across thin communities', () => {
    // 5 columns × 20 rows, one community per column (200 hh each): grids following merged
    // communities are 2-3 column strips (PP ≈ 0.41 mean with the community grouping); across them ≈ 0.74
    const us = lattice(
      5,
      20,
      () => 10,
      3,
      (i) => ({ community: `C${i}` }),
    );
    const a = partition({ units: us }, { seed: 1 }),
      b = partition({ units: us }, { seed: 1 });
    expect(a.assignment).toEqual(b.assignment);
    expect(a.stats.in_band).toBe(a.stats.grids);
    expect(a.stats.contiguous).toBe(a.stats.grids);
    expect(a.stats.polsby_popper_mean).toBeGreaterThan(0.65);
  });

  it('a one-grid community in a thin strip is grouped with its neighbour and reported (known answer)', () => {
    // community A: 12×12 units of 20 hh (2,880); community S: one row of 12 units × 25 hh (300 hh,
    // feasible as one grid, Polsby-Popper 4π·12/26² ≈ 0.22 as that grid)
    const us = straightLattice(
      12,
      13,
      (i, j) => (j === 12 ? 25 : 20),
      (i, j) => ({ community: j === 12 ? 'S' : 'A' }),
    );
    const g = buildUnitGraph(us, []);
    const { comp, count } = subdistrictComponents(g);
    const warnings: PartitionWarning[] = [];
    const group = buildGroups(g, comp, count, resolveOptions({}), warnings, new Set());
    expect(new Set(group).size).toBe(1);
    const w = warnings.find((x) => x.code === 'community_sliver');
    expect(w?.message).toContain('community S has 300 households');
    expect(w?.message).toContain('0.22');
    expect(w?.units?.slice().sort()).toEqual(
      us
        .filter((u) => u.id.endsWith('_12'))
        .map((u) => u.id)
        .sort(),
    );
    const res = partition({ units: us }, { seed: 1 });
    expect(res.stats.in_band).toBe(res.stats.grids);
    expect(res.stats.contiguous).toBe(res.stats.grids);
    expect(res.stats.polsby_popper_min).toBeGreaterThan(0.4);
  });

  it('a compact one-grid community keeps its own group (no sliver)', () => {
    // community S is a 4×3 block of 25 hh (300 hh) in the corner of community A
    const us = straightLattice(
      12,
      12,
      (i, j) => (i < 4 && j < 3 ? 25 : 20),
      (i, j) => ({ community: i < 4 && j < 3 ? 'S' : 'A' }),
    );
    const g = buildUnitGraph(us, []);
    const { comp, count } = subdistrictComponents(g);
    const warnings: PartitionWarning[] = [];
    const group = buildGroups(g, comp, count, resolveOptions({}), warnings, new Set());
    expect(new Set(group).size).toBe(2);
    expect(warnings).toEqual([]);
  });
});
