import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { partition } from '../../../server/algorithms/partition/engine';
import { buildUnitGraph } from '../../../server/algorithms/partition/graph';
import { checkGrids } from '../../../server/algorithms/partition/constraints';
import { chooseK, feasibleK } from '../../../server/algorithms/partition/bisect';
import type { PartitionResult, PartitionUnit } from '../../../server/algorithms/partition/types';
import { lattice, straightLattice, verticalStreet } from './helpers';

function hardConstraints(units: PartitionUnit[], res: PartitionResult, min: number, max: number) {
  const g = buildUnitGraph(units);
  const ids = [...new Set(Object.values(res.assignment))];
  const gridOf = new Int32Array(g.n);
  g.ids.forEach((id, u) => {
    gridOf[u] = ids.indexOf(res.assignment[id]);
  });
  expect(Object.keys(res.assignment).sort()).toEqual(units.map((u) => u.id).sort());
  const listed = res.grids.flatMap((x) => x.units);
  expect(listed.length).toBe(units.length);
  expect(new Set(listed).size).toBe(units.length);
  for (const c of checkGrids(g, gridOf)) {
    expect(c.contiguous).toBe(true);
    expect(c.subdistricts).toBe(1);
    expect(c.households).toBeGreaterThanOrEqual(min);
    expect(c.households).toBeLessThanOrEqual(max);
  }
}

describe('grid count', () => {
  it('feasibleK / chooseK known answers', () => {
    expect(feasibleK(1000, 300, 500)).toEqual([2, 3]);
    expect(chooseK(1000, 300, 500, 400)).toEqual({ k: 3, feasible: true });
    expect(chooseK(550, 300, 500, 400).feasible).toBe(false);
    expect(chooseK(120, 300, 500, 400).feasible).toBe(false);
  });
});

describe('partition', () => {
  it('known answer: 8×4 lattice of 25 households split along the major street into two grids of 400', () => {
    const units = straightLattice(8, 4, () => 25);
    const res = partition({ units, barriers: [verticalStreet(4, 4, 'major')] }, { min: 300, max: 500, target: 400 });
    expect(res.grids).toHaveLength(2);
    expect(res.grids.map((g) => g.households)).toEqual([400, 400]);
    for (const gr of res.grids) {
      const cols = new Set(gr.units.map((id) => Number(id.slice(1).split('_')[0]) < 4));
      expect(cols.size).toBe(1); // entirely on one side of the street
    }
    expect(res.stats.barrier_straddles).toBe(0);
    expect(res.warnings).toEqual([]);
  });

  it('hard constraints hold on random perturbed lattices (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 14 }),
        fc.integer({ min: 3, max: 14 }),
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 0, max: 60 }),
        fc.boolean(),
        (cols, rows, seed, maxHh, twoSubs) => {
          const units = lattice(
            cols,
            rows,
            (i, j) => (i * 7919 + j * 104729 + seed) % (maxHh + 1),
            seed,
            (i) => ({ subdistrict: twoSubs && i >= Math.floor(cols / 2) ? 'T' : 'S' }),
          );
          const res = partition({ units }, { seed });
          // feasibility by construction: each sub-district connected, small units; check totals are in a feasible range
          const totals = new Map<string, number>();
          for (const u of units) totals.set(u.subdistrict!, (totals.get(u.subdistrict!) ?? 0) + u.households);
          const feasible = [...totals.values()].every((h) => chooseK(h, 300, 500, 400).feasible);
          if (feasible) {
            hardConstraints(units, res, 300, 500);
            expect(res.warnings).toEqual([]);
          } else {
            expect(res.warnings.length).toBeGreaterThan(0);
            expect(res.grids.every((g) => g.contiguous)).toBe(true);
          }
        },
      ),
      { numRuns: 60, seed: 42 },
    );
  });

  it('is deterministic for a seed', () => {
    const units = lattice(12, 12, (i, j) => (i * 13 + j * 7) % 40, 3);
    expect(partition({ units }, { seed: 5 }).assignment).toEqual(partition({ units }, { seed: 5 }).assignment);
  });

  it('keeps compounds whole and communities whole when the band allows', () => {
    const units = lattice(
      12,
      8,
      () => 20,
      9,
      (i, j) => ({ community: i < 6 ? 'A' : 'B', compound: i % 2 === 0 && j % 2 === 0 && i + 1 < 12 ? null : `c${Math.floor(i / 2)}_${Math.floor(j / 2)}` }),
    );
    const res = partition({ units });
    for (const gr of res.grids) expect(new Set(gr.units.map((id) => units.find((u) => u.id === id)!.community)).size).toBe(1);
    const gridOfUnit = res.assignment;
    const byCompound = new Map<string, Set<string>>();
    for (const u of units)
      if (u.compound) {
        const s = byCompound.get(u.compound) ?? new Set();
        s.add(gridOfUnit[u.id]);
        byCompound.set(u.compound, s);
      }
    for (const s of byCompound.values()) expect(s.size).toBe(1);
  });

  it('warns, naming the units, for an island of 120 households and a unit over max', () => {
    const units = [
      ...straightLattice(4, 4, () => 25),
      ...lattice(2, 2, () => 30, 1).map((u) => ({
        ...u,
        id: 'island-' + u.id,
        polygons: u.polygons.map((p) => p.map((r) => r.map(([x, y]) => [x + 0.01, y]))),
      })),
    ];
    units[0] = { ...units[0], households: 700 };
    const res = partition({ units });
    const island = res.warnings.find((w) => w.code === 'island_infeasible' && w.units?.includes('island-u0_0'));
    expect(island?.message).toMatch(/120 households/);
    expect(island?.message).toMatch(/Fix:/);
    expect(res.warnings.some((w) => w.code === 'unit_over_max' && w.units?.[0] === 'u0_0')).toBe(true);
    expect(Object.keys(res.assignment)).toHaveLength(units.length);
    expect(res.grids.every((g) => g.contiguous)).toBe(true);
  });

  it('warm start after a household perturbation moves few units and restores the band', () => {
    const units = lattice(30, 30, (i, j) => 10 + ((i * 31 + j * 17) % 30), 4);
    const base = partition({ units }, { seed: 2 });
    const bumped = units.map((u, k) => ({ ...u, households: Math.round(u.households * (k % 33 === 0 ? 1.5 : 1 + ((k % 11) - 5) / 100)) }));
    const res = partition({ units: bumped }, { seed: 2, previous: base.assignment });
    hardConstraints(bumped, res, 300, 500);
    expect(res.stats.units_moved!).toBeLessThanOrEqual(0.05 * units.length);
    const same = res.grids.filter((g) =>
      base.grids.some((b) => b.id === g.id && b.units.length === g.units.length && b.units.every((u) => g.units.includes(u))),
    ).length;
    expect(same / base.grids.length).toBeGreaterThanOrEqual(0.85);
  });

  it('known answer: 8×8 units of 25 hh in 2×2 compounds → four 4×4 squares of 400 (Polsby-Popper π/4)', () => {
    const units = straightLattice(
      8,
      8,
      () => 25,
      (i, j) => ({ compound: `c${Math.floor(i / 2)}_${Math.floor(j / 2)}` }),
    );
    const res = partition({ units }, { seed: 1 });
    expect(res.grids.map((g) => g.households)).toEqual([400, 400, 400, 400]);
    for (const gr of res.grids) {
      expect(gr.polsby_popper).toBeCloseTo(Math.PI / 4, 3);
      const ij = gr.units.map((id) => id.slice(1).split('_').map(Number));
      expect(new Set(ij.map(([i]) => Math.floor(i / 4))).size).toBe(1);
      expect(new Set(ij.map(([, j]) => Math.floor(j / 4))).size).toBe(1);
    }
  });

  it('warm start keeps the hard constraints after random household changes (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 14 }), fc.integer({ min: 4, max: 14 }), fc.integer({ min: 1, max: 1e6 }), (cols, rows, seed) => {
        const units = lattice(
          cols,
          rows,
          (i, j) => 10 + ((i * 7919 + j * 104729 + seed) % 40),
          seed,
          (i, j) => ({ compound: (i + j + seed) % 5 === 0 ? `k${Math.floor(i / 2)}_${Math.floor(j / 2)}` : null }),
        );
        const H = units.reduce((s, u) => s + u.households, 0);
        if (!chooseK(H, 300, 500, 400).feasible) return;
        const base = partition({ units }, { seed });
        hardConstraints(units, base, 300, 500);
        const bumped = units.map((u, k) => ({
          ...u,
          households: Math.max(0, Math.round(u.households * (1 + (((k * 37 + seed) % 11) - 5) / 100) * ((k + seed) % 29 === 0 ? 1.5 : 1))),
        }));
        const H2 = bumped.reduce((s, u) => s + u.households, 0);
        const res = partition({ units: bumped }, { seed, previous: base.assignment });
        if (chooseK(H2, 300, 500, 400).feasible) hardConstraints(bumped, res, 300, 500);
        else expect(res.grids.every((g) => g.contiguous)).toBe(true);
      }),
      { numRuns: 40, seed: 11 },
    );
  });

  it('warm start accepts new and vanished units', () => {
    const units = lattice(10, 10, () => 20, 5);
    const base = partition({ units });
    const prev: Record<string, string> = { ...base.assignment, ghost: 'S-999' };
    delete prev['u3_3'];
    const res = partition({ units }, { previous: prev });
    hardConstraints(units, res, 300, 500);
  });
});
