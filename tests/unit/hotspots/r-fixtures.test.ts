/**
 * Known answers from R spdep 1.2.7 / sf 1.0.9 (R 4.2.2): fixtures built by make-fixtures.ts, expected
 * values by make_expected.R (both in ./fixtures; expected.json is committed, R is not needed here).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, getisOrdGiStar, mannKendall, queenContiguity, spaceTimeGiStar } from '../../../server/algorithms/hotspots';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const readJson = <T>(name: string): T => JSON.parse(readFileSync(join(dir, name), 'utf8')) as T;

interface ZoneSetExpected {
  ids: string[];
  count: number[];
  neighbours: number[][];
  z: number[];
  p: number[];
  q: number[];
}
const expected = readJson<{
  generated_by: string;
  zonesets: Record<string, ZoneSetExpected>;
  spacetime: { z: number[][] };
  mk: Array<{ x: number[]; z: number; p: number; tau: number }>;
}>('expected.json');

describe('hot spots vs R spdep (' + expected.generated_by + ')', () => {
  for (const name of ['lattice', 'voronoi', 'islands']) {
    describe(name, () => {
      const fc = readJson<FeatureCollection<Polygon | MultiPolygon, { id: string; count: number }>>(`${name}.geojson`);
      const exp = expected.zonesets[name]!;
      const geoms = fc.features.map((f) => f.geometry);
      const counts = fc.features.map((f) => f.properties.count);

      it('has the same zones and counts as R read', () => {
        expect(fc.features.map((f) => f.properties.id)).toEqual(exp.ids);
        expect(counts).toEqual(exp.count);
      });

      it('queen contiguity equals poly2nb(queen = TRUE)', () => {
        expect(queenContiguity(geoms)).toEqual(exp.neighbours);
      });

      it('Gi* z equals localG within 1e-6, p and BH q equal 2 pnorm(-|z|) and p.adjust(p, "BH")', () => {
        const { z, p } = getisOrdGiStar(counts, exp.neighbours);
        const q = benjaminiHochberg(p);
        for (let i = 0; i < counts.length; i++) {
          expect(Math.abs(z[i]! - exp.z[i]!)).toBeLessThan(1e-6);
          expect(Math.abs(p[i]! - exp.p[i]!)).toBeLessThan(1e-9);
          expect(Math.abs(q[i]! - exp.q[i]!)).toBeLessThan(1e-9);
        }
      });
    });
  }

  it('islands fixture really has isolates, a hole neighbour and corner-only contact', () => {
    const exp = expected.zonesets.islands!;
    const at = (id: string) => exp.neighbours[exp.ids.indexOf(id)]!;
    expect(at('island-a')).toEqual([]);
    expect(at('hole-filler')).toEqual([exp.ids.indexOf('I1_1')]);
    expect(at('multi-corner')).toEqual([exp.ids.indexOf('I4_5')]);
  });

  it('space-time Gi* (time window 1) equals localG on the space-time neighbour list', () => {
    const lattice = expected.zonesets.lattice!;
    const st = readJson<{ counts: number[][]; timeWindow: number }>('spacetime.json');
    const { z } = spaceTimeGiStar(lattice.neighbours, st.counts, st.timeWindow);
    for (let i = 0; i < st.counts.length; i++) {
      for (let t = 0; t < st.counts[0]!.length; t++) {
        expect(Math.abs(z[i]![t]! - expected.spacetime.z[i]![t]!)).toBeLessThan(1e-6);
      }
    }
  });

  it('Mann-Kendall equals cor.test(kendall, exact = FALSE, continuity = TRUE)', () => {
    for (const e of expected.mk) {
      const r = mannKendall(e.x);
      expect(r.z).toBeCloseTo(e.z, 9);
      expect(r.p).toBeCloseTo(e.p, 9);
      expect(r.tau).toBeCloseTo(e.tau, 9);
    }
  });
});
