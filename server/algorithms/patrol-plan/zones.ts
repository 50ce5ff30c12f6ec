/**
 * Hot zones of a patrol plan (pure): from hot-spot zones (Gi* classes, emerging patterns) and the
 * planning period's incidents, the zones to patrol — Gi* hot99 / hot95 and emerging new /
 * intensifying hot spots — each with one stop (the incident of the zone with most of the zone's
 * incidents within the catchment radius: where they concentrate), its hour-of-week profile
 * (incidents per week within the catchment of the stop) and its peak weekdays and hours.
 */
import { haversineM } from '../routing';
import { hourOfWeek, HOURS_PER_WEEK } from './slots';

export type HotZoneKind = 'hot99' | 'hot95' | 'new_hot' | 'intensifying_hot';
export const HOT_ZONE_KINDS: readonly HotZoneKind[] = ['hot99', 'hot95', 'new_hot', 'intensifying_hot'];

export interface ZoneStat {
  id: string;
  /** Gi* class of the zone (hot99, hot95, … ns …) */
  giClass: string;
  /** emerging hot spot pattern (new_hot, intensifying_hot, … no_pattern), when computed */
  pattern?: string;
}

export interface PlanIncident {
  lon: number;
  lat: number;
  /** epoch seconds */
  t: number;
  /** index into the zone list, -1 when in no zone */
  zone: number;
}

export interface HotZone {
  id: string;
  kinds: HotZoneKind[];
  /** the stop a patrol walks to */
  lon: number;
  lat: number;
  /** planning incidents in the zone */
  count: number;
  /** planning incidents per week within the catchment of the stop, per hour of week (168) */
  profile: Float64Array;
  /** incidents per week within the catchment (sum of profile) */
  weekly: number;
  /** ISO weekdays (1-7) and local hours (0-23) holding most of the profile, best first */
  peakWeekdays: number[];
  peakHours: number[];
}

export interface HotZoneOptions {
  /** catchment radius around the stop, metres (default 100, the coverage radius) */
  catchM?: number;
  /** length of the planning period in weeks (normalises the profile) */
  weeks: number;
  /** at most this many incidents of a zone are compared to find its stop (default 400) */
  sample?: number;
}

export function hotZoneKinds(z: ZoneStat): HotZoneKind[] {
  const k: HotZoneKind[] = [];
  if (z.giClass === 'hot99' || z.giClass === 'hot95') k.push(z.giClass);
  if (z.pattern === 'new_hot' || z.pattern === 'intensifying_hot') k.push(z.pattern);
  return k;
}

/** Indices of the largest entries that together hold at least `share` of the total (at most max). */
function peaks(values: ArrayLike<number>, share: number, max: number): number[] {
  const idx = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[b]! - values[a]! || a - b);
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  const out: number[] = [];
  let acc = 0;
  for (const i of idx) {
    if (out.length >= max || values[i]! <= 0 || (total > 0 && acc >= share * total)) break;
    out.push(i);
    acc += values[i]!;
  }
  return out;
}

export function selectHotZones(zones: readonly ZoneStat[], incidents: readonly PlanIncident[], opts: HotZoneOptions): HotZone[] {
  const catchM = opts.catchM ?? 100;
  const sample = opts.sample ?? 400;
  const weeks = Math.max(1, opts.weeks);
  const byZone = new Map<number, PlanIncident[]>();
  zones.forEach((z, i) => {
    if (hotZoneKinds(z).length) byZone.set(i, []);
  });
  for (const p of incidents) byZone.get(p.zone)?.push(p);
  // cheap metric box test before haversine
  const dLat = catchM / 111_000;
  const out: HotZone[] = [];
  for (const [zi, pts] of byZone) {
    if (pts.length === 0) continue;
    const step = Math.max(1, Math.ceil(pts.length / sample));
    const cand = pts.filter((_, k) => k % step === 0);
    let best = cand[0]!,
      bestN = -1;
    for (const a of cand) {
      const dLon = dLat / Math.cos((a.lat * Math.PI) / 180);
      let n = 0;
      for (const b of pts) {
        if (Math.abs(b.lat - a.lat) > dLat || Math.abs(b.lon - a.lon) > dLon) continue;
        if (haversineM(a.lon, a.lat, b.lon, b.lat) <= catchM) n++;
      }
      if (n > bestN) {
        bestN = n;
        best = a;
      }
    }
    const profile = new Float64Array(HOURS_PER_WEEK);
    const dLon = dLat / Math.cos((best.lat * Math.PI) / 180);
    for (const b of incidents) {
      if (Math.abs(b.lat - best.lat) > dLat || Math.abs(b.lon - best.lon) > dLon) continue;
      if (haversineM(best.lon, best.lat, b.lon, b.lat) <= catchM) profile[hourOfWeek(b.t)]! += 1 / weeks;
    }
    const byDay = new Float64Array(7),
      byHour = new Float64Array(24);
    let weekly = 0;
    for (let h = 0; h < HOURS_PER_WEEK; h++) {
      byDay[Math.floor(h / 24)]! += profile[h]!;
      byHour[h % 24]! += profile[h]!;
      weekly += profile[h]!;
    }
    out.push({
      id: zones[zi]!.id,
      kinds: hotZoneKinds(zones[zi]!),
      lon: best.lon,
      lat: best.lat,
      count: pts.length,
      profile,
      weekly,
      peakWeekdays: peaks(byDay, 0.5, 3).map((d) => d + 1),
      peakHours: peaks(byHour, 0.5, 6),
    });
  }
  return out.sort((a, b) => b.weekly - a.weekly || (a.id < b.id ? -1 : 1));
}
