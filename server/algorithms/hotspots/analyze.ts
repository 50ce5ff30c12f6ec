/**
 * The whole hot spot analysis of the CLI contract: count points per zone, queen contiguity,
 * Gi* z and p, Benjamini-Hochberg q over all zones, class from q (or p without FDR).
 */
import { classifyHotSpot, type HotSpotClass } from './classify';
import { queenContiguity } from './contiguity';
import { countPointsInZones } from './count';
import { benjaminiHochberg } from './fdr';
import type { ZoneGeometry } from './geometry';
import { getisOrdGiStar } from './gistar';

export interface Zone {
  id: string | number;
  geometry: ZoneGeometry;
}

export interface HotSpotOptions {
  /** Classify by BH-adjusted q (default true) or by the raw p (false, CLI --no-fdr). */
  fdr?: boolean;
  /** Contiguity snapping / point-on-boundary tolerance in coordinate units (default ~1.49e-8). */
  snap?: number;
  /** Precomputed queen neighbour lists (skip contiguity; e.g. cached per plan). */
  neighbours?: number[][];
}

export interface ZoneHotSpot {
  id: string | number;
  count: number;
  z: number;
  p: number;
  q: number;
  class: HotSpotClass;
}

export interface HotSpotResult {
  zones: ZoneHotSpot[];
  neighbours: number[][];
  /** Points that fell in no zone. */
  outside: number;
}

/** Gi*, BH and classes from per-zone values (counts or rates) and neighbour lists. */
export function hotSpotsFromValues(
  ids: ReadonlyArray<string | number>,
  values: ArrayLike<number>,
  neighbours: readonly (readonly number[])[],
  opts: { fdr?: boolean } = {},
): ZoneHotSpot[] {
  const fdr = opts.fdr ?? true;
  const { z, p } = getisOrdGiStar(values, neighbours);
  const q = benjaminiHochberg(p);
  return ids.map((id, i) => ({
    id,
    count: values[i]!,
    z: z[i]!,
    p: p[i]!,
    q: q[i]!,
    class: classifyHotSpot(z[i]!, fdr ? q[i]! : p[i]!),
  }));
}

/** Full analysis from zone polygons and point positions ([lon, lat]). */
export function analyzeHotSpots(zones: readonly Zone[], points: ReadonlyArray<readonly number[]>, opts: HotSpotOptions = {}): HotSpotResult {
  const geoms = zones.map((z) => z.geometry);
  const neighbours = opts.neighbours ?? queenContiguity(geoms, { snap: opts.snap });
  const { counts, outside } = countPointsInZones(geoms, points, { tol: opts.snap });
  const result = hotSpotsFromValues(
    zones.map((z) => z.id),
    counts,
    neighbours,
    { fdr: opts.fdr },
  );
  return { zones: result, neighbours, outside };
}
