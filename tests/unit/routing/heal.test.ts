import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Feature, LineString, MultiLineString } from 'geojson';
import { buildNetwork, componentSummary, haversineM, healLines, healLinesWithStats } from '../../../server/algorithms/routing';
import { lat, line, lon } from './fixtures';

const M = 1 / 111195; // ~1 m in degrees of latitude

function totalLength(lines: Feature<LineString | MultiLineString>[]): number {
  let s = 0;
  for (const f of lines) {
    const parts = f.geometry.type === 'LineString' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const p of parts) for (let i = 1; i < p.length; i++) s += haversineM(p[i - 1][0], p[i - 1][1], p[i][0], p[i][1]);
  }
  return s;
}

/** One east-west road cut at `cuts` tile edges, each cut end jittered by up to `jitterM` metres. */
function tileCutRoad(cuts: number[], jitterM: number[], id = 42): Feature<LineString>[] {
  const xs = [0, ...cuts.slice().sort((a, b) => a - b), 10];
  const pieces: Feature<LineString>[] = [];
  for (let k = 0; k + 1 < xs.length; k++) {
    const j0 = k > 0 ? jitterM[k % jitterM.length] * M : 0;
    pieces.push(
      line(
        [
          [lon(xs[k]), lat(0) + j0],
          [lon((xs[k] + xs[k + 1]) / 2), lat(0)],
          [lon(xs[k + 1]), lat(0)],
        ],
        { id, tile_index: k },
      ),
    );
  }
  return pieces;
}

describe('healLines', () => {
  it('joins a road cut at tile edges (ends up to 0.7 m apart) back into one line', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.double({ min: -0.7, max: 0.7, noNaN: true }), { minLength: 1, maxLength: 6 }),
        (cuts, jit) => {
          const pieces = tileCutRoad(cuts, jit);
          const raw = buildNetwork(pieces);
          if (cuts.some((_, k) => Math.abs(jit[(k + 1) % jit.length]) > 0.02)) expect(raw.componentCount).toBeGreaterThan(1);
          const healed = healLines(pieces, { toleranceM: 1 });
          expect(healed).toHaveLength(1);
          expect(healed[0].properties?.healed_from).toBe(cuts.length + 1);
          expect(buildNetwork(healed).componentCount).toBe(1);
          expect(Math.abs(totalLength(healed) - totalLength(pieces))).toBeLessThan(1.5 * cuts.length);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('does not join pieces of different roads and nodes them at a shared vertex', () => {
    const a = line(
      [
        [lon(0), lat(0)],
        [lon(1), lat(0)],
        [lon(2), lat(0)],
      ],
      { id: 1 },
    );
    const b = line(
      [
        [lon(2), lat(0)],
        [lon(3), lat(0)],
      ],
      { id: 2 },
    );
    const c = line(
      [
        [lon(1), lat(-1)],
        [lon(1), lat(0)],
        [lon(1), lat(1)],
      ],
      { id: 3 },
    );
    const out = healLines([a, b, c]);
    // a is split at (1,0) where c passes: a1, a2, b, c1, c2
    expect(out).toHaveLength(5);
    expect(buildNetwork(out).componentCount).toBe(1);
  });

  it('connects a dangling end 0.5 m from another street (T-junction) and leaves 3 m gaps alone', () => {
    const main = line(
      [
        [lon(0), lat(0)],
        [lon(2), lat(0)],
      ],
      { id: 1 },
    );
    const near = line(
      [
        [lon(1), lat(0) + 0.5 * M],
        [lon(1), lat(1)],
      ],
      { id: 2 },
    );
    const far = line(
      [
        [lon(1.5), lat(0) - 3 * M],
        [lon(1.5), lat(-1)],
      ],
      { id: 3 },
    );
    const { lines, stats } = healLinesWithStats([main, near, far], { toleranceM: 1 });
    expect(stats.tJunctions).toBe(1);
    const net = buildNetwork(lines);
    expect(net.componentCount).toBe(2);
    expect(componentSummary(net).components[0].edges).toBe(3);
  });

  it('heals the real Shanghai Bund roads (tile-cut OpenStreetMap): fewer components, larger main component', () => {
    const fcRoads = JSON.parse(readFileSync('/work/shared/geodata/substitute-shanghai-bund-tilezen/shanghai_bund_roads.geojson', 'utf8'));
    const walk = fcRoads.features.filter((f: Feature) => !['rail', 'ferry'].includes(String(f.properties?.kind)));
    const before = componentSummary(buildNetwork(walk));
    const { lines, stats } = healLinesWithStats(walk, { toleranceM: 1 });
    const after = componentSummary(buildNetwork(lines));
    expect(stats.joins).toBeGreaterThan(100);
    expect(after.count).toBeLessThan(before.count);
    expect(after.largestShareOfLength).toBeGreaterThan(before.largestShareOfLength + 0.01);
    expect(after.largestShareOfLength).toBeGreaterThan(0.97);
    // healing moves vertices by at most 1 m: total length nearly unchanged
    expect(Math.abs(after.totalLengthM - before.totalLengthM) / before.totalLengthM).toBeLessThan(0.01);
    for (const f of lines) expect(f.geometry.coordinates.length).toBeGreaterThanOrEqual(2);
  });
});
