import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGeoJson } from '../../../server/import/geojson';
import { streetPieces } from '../../../server/import/rows';
import { componentStats, healStreets } from '../../../server/import/streets';
import { FIXTURES } from './paths';

/** A tile edge of the committed fixture (cut from the Shanghai Bund Tilezen roads, ODbL). */
const TILE_EDGE_X = 121.49780273;

describe('street healing (committed Shanghai fixture)', () => {
  const { features } = parseGeoJson(readFileSync(resolve(FIXTURES, 'shanghai_roads_cut.geojson'), 'utf8'));
  const pieces = streetPieces(features).rows;

  it('joins the pieces of ways cut at the tile edge and keeps their attributes', () => {
    const { lines, stats } = healStreets('t', pieces);
    expect(stats.pieces).toBeGreaterThan(80);
    expect(stats.joins).toBeGreaterThan(10);
    // Every cut at the tile edge between two pieces of one way is gone: no healed line of a way
    // ends on the edge where exactly one other line of the same way ends and nothing else passes.
    const key = (p: number[]) => `${p[0]},${p[1]}`;
    const endsAt = new Map<string, { name: string | null; cls: string }[]>();
    const through = new Map<string, number>();
    for (const l of lines) {
      const c = l.geometry.coordinates;
      for (const v of c) through.set(key(v), (through.get(key(v)) ?? 0) + 1);
      for (const e of [c[0], c[c.length - 1]]) {
        if (Math.abs(e[0] - TILE_EDGE_X) > 1e-9) continue;
        const list = endsAt.get(key(e)) ?? [];
        list.push({ name: l.name, cls: l.class });
        endsAt.set(key(e), list);
      }
    }
    const unhealedCuts = [...endsAt.entries()].filter(
      ([k, l]) => l.length === 2 && through.get(k) === 2 && l[0].name === l[1].name && l[0].cls === l[1].cls && l[0].name !== null,
    );
    expect(unhealedCuts).toEqual([]);
    // Attributes survive: every named input street is still there with its class.
    const inNames = new Set(pieces.filter((p) => p.name).map((p) => `${p.name}|${p.class}`));
    const outNames = new Set(lines.filter((l) => l.name).map((l) => `${l.name}|${l.class}`));
    expect(outNames).toEqual(inNames);
    expect(new Set(lines.map((l) => l.id)).size).toBe(lines.length);
  });

  it('makes the network more connected than the raw pieces', () => {
    const raw = componentStats(
      pieces.flatMap((p) =>
        p.geometry.type === 'LineString'
          ? [{ geometry: p.geometry }]
          : p.geometry.coordinates.map((c) => ({ geometry: { type: 'LineString' as const, coordinates: c } })),
      ),
    );
    const healed = healStreets('t', pieces).stats;
    expect(healed.components).toBeLessThanOrEqual(raw.components);
    expect(healed.largestComponentShare).toBeGreaterThanOrEqual(raw.largestComponentShare);
    expect(healed.largestComponentShare).toBeGreaterThan(0.5);
  });
});

describe('one-way direction', () => {
  it('keeps the direction of a one-way street whatever order its pieces come in', () => {
    const a = {
      ref: 'a',
      sourceId: '1',
      name: 'x',
      class: 'local' as const,
      oneway: true,
      geometry: {
        type: 'LineString' as const,
        coordinates: [
          [117.05, 30.5],
          [117.051, 30.5],
        ],
      },
    };
    const b = {
      ...a,
      ref: 'b',
      geometry: {
        type: 'LineString' as const,
        coordinates: [
          [117.051, 30.5],
          [117.052, 30.5],
        ],
      },
    };
    for (const order of [
      [a, b],
      [b, a],
    ]) {
      const { lines } = healStreets('t', order);
      expect(lines).toHaveLength(1);
      expect(lines[0].geometry.coordinates[0]).toEqual([117.05, 30.5]);
      expect(lines[0].geometry.coordinates.at(-1)).toEqual([117.052, 30.5]);
    }
  });
});
