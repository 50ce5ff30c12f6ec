/**
 * Hot spots for the leader view: filter the cached incident columns, count per zone (grids in force
 * or hexagons), Gi* with BH FDR and ArcGIS-like classes; or emerging hot spots (space-time Gi* per
 * week + Mann-Kendall trend per zone).
 */
import type { EmergingAnswer, EmergingZoneResult, GiStarAnswer, GiZoneResult, ZonesFc } from '../../common/http/hotspots';
import type { Queryable } from '../db';
import { emergingHotSpots, hotSpotsFromValues } from '../algorithms/hotspots';
import { FilterError, passes, type IncidentFilter } from './filters';
import { incidentColumns, type IncidentColumns } from './incident-columns';
import { gridZones, hexZones, type ZoneKind, type ZoneSet } from './zones';

export interface HotSpotQuery {
  zones: ZoneKind;
  filter: IncidentFilter;
  fdr: boolean;
  /** grids only: Gi* on counts (default) or on rates per 1,000 households */
  value: 'count' | 'rate';
  cellM?: number;
}

export type { EmergingZoneResult, GiZoneResult };

/** GET /api/hotspots, Gi* (common/http/hotspots.ts). */
export type HotSpotResponse = GiStarAnswer;

/** GET /api/hotspots?mode=emerging (common/http/hotspots.ts). */
export type EmergingResponse = EmergingAnswer;

export const MIN_WEEKS = 4;
export const MAX_WEEKS = 260;

async function zoneSet(db: Queryable, q: HotSpotQuery, cols: IncidentColumns): Promise<ZoneSet> {
  const set = q.zones === 'grids' ? await gridZones(db) : await hexZones(db, cols, q.cellM);
  if (q.zones === 'grids' && set.zones.length === 0) {
    throw new FilterError(
      '还没有网格方案：请先生成并发布网格，或改用六边形（zones=hex） (there is no grid plan yet: generate and publish grids first, or use hexagons with zones=hex)',
    );
  }
  return set;
}

/** Zone index of every incident passing the filter (-2 = filtered out, -1 = outside all zones). */
function locateFiltered(cols: IncidentColumns, set: ZoneSet, f: IncidentFilter): { zoneOf: Int32Array; n: number; outside: number } {
  const zoneOf = new Int32Array(cols.n).fill(-2);
  let n = 0,
    outside = 0;
  for (let i = 0; i < cols.n; i++) {
    if (!passes(f, cols.t[i]!, cols.types[cols.type[i]!]!)) continue;
    n++;
    const z = set.locate(cols.lon[i]!, cols.lat[i]!);
    zoneOf[i] = z;
    if (z < 0) outside++;
  }
  return { zoneOf, n, outside };
}

export async function computeHotSpots(db: Queryable, q: HotSpotQuery): Promise<HotSpotResponse> {
  const t0 = performance.now();
  if (q.value === 'rate' && q.zones !== 'grids')
    throw new FilterError('按户率（value=rate）只能用于网格（zones=grids） (the per-household rate, value=rate, only works with grids, zones=grids)');
  const cols = await incidentColumns(db);
  const set = await zoneSet(db, q, cols);
  const { zoneOf, n, outside } = locateFiltered(cols, set, q.filter);
  const counts = new Float64Array(set.zones.length);
  for (let i = 0; i < zoneOf.length; i++) if (zoneOf[i]! >= 0) counts[zoneOf[i]!]! += 1;
  const values =
    q.value === 'rate' ? Float64Array.from(set.zones, (z, i) => (z.households && z.households > 0 ? (counts[i]! / z.households) * 1000 : 0)) : counts;
  const gi = hotSpotsFromValues(
    set.zones.map((z) => z.id),
    values,
    set.neighbours,
    { fdr: q.fdr },
  );
  const round = (v: number, k = 1e4) => Math.round(v * k) / k;
  return {
    zones: q.zones,
    mode: 'gistar',
    fdr: q.fdr,
    value: q.value,
    n,
    outside,
    ms: Math.round(performance.now() - t0),
    results: gi.map((r, i) => ({
      id: String(r.id),
      count: counts[i]!,
      value: round(values[i]!),
      z: round(r.z),
      p: Number(r.p.toPrecision(4)),
      q: Number(r.q.toPrecision(4)),
      class: r.class,
    })),
  };
}

export async function computeEmerging(db: Queryable, q: HotSpotQuery): Promise<EmergingResponse> {
  const t0 = performance.now();
  const cols = await incidentColumns(db);
  const set = await zoneSet(db, q, cols);
  const start = q.filter.from ?? cols.tMin;
  const end = q.filter.to ?? cols.tMax + 1;
  const weeks = Math.ceil((end - start) / (7 * 86400));
  if (!(weeks >= MIN_WEEKS))
    throw new FilterError(
      `新兴热点分析至少需要 ${MIN_WEEKS} 周的时间段（当前 ${Math.max(0, weeks)} 周） (emerging hotspot analysis needs a period of at least ${MIN_WEEKS} weeks, now ${Math.max(0, weeks)} weeks)`,
    );
  if (weeks > MAX_WEEKS) throw new FilterError(`时间段过长：最多 ${MAX_WEEKS} 周 (the period is too long: at most ${MAX_WEEKS} weeks)`);
  const { zoneOf, n, outside } = locateFiltered(cols, set, q.filter);
  const perWeek = set.zones.map(() => new Float64Array(weeks));
  const counts = new Float64Array(set.zones.length);
  for (let i = 0; i < zoneOf.length; i++) {
    const z = zoneOf[i]!;
    if (z < 0) continue;
    const w = Math.floor((cols.t[i]! - start) / (7 * 86400));
    if (w < 0 || w >= weeks) continue;
    perWeek[z]![w]! += 1;
    counts[z]! += 1;
  }
  const em = emergingHotSpots(set.neighbours, perWeek, { fdr: q.fdr });
  return {
    zones: q.zones,
    mode: 'emerging',
    fdr: q.fdr,
    n,
    outside,
    weeks,
    start,
    ms: Math.round(performance.now() - t0),
    results: em.map((e, i) => ({
      id: set.zones[i]!.id,
      count: counts[i]!,
      pattern: e.pattern,
      trend_z: Math.round(e.trend.z * 1e4) / 1e4,
      trend_p: Number(e.trend.p.toPrecision(4)),
      hot_weeks: e.sig.filter((s) => s === 1).length,
      cold_weeks: e.sig.filter((s) => s === -1).length,
    })),
  };
}

/** The zones as GeoJSON for the client (geometry once; results are joined by id). */
export async function zonesGeoJson(db: Queryable, kind: ZoneKind, cellM?: number): Promise<ZonesFc> {
  const cols = kind === 'hex' ? await incidentColumns(db) : null;
  const set = kind === 'grids' ? await gridZones(db) : await hexZones(db, cols!, cellM);
  return {
    type: 'FeatureCollection' as const,
    zones: kind,
    features: set.zones.map((z) => ({
      type: 'Feature' as const,
      id: z.id,
      properties: { id: z.id, households: z.households, subdistrict_id: z.subdistrict_id, community_id: z.community_id, plan_id: z.plan_id },
      geometry: z.geometry,
    })),
  };
}
