/**
 * The weekly patrol plan (pure): hot zones → joint-defense groups → closed routes along the streets
 * per group and time slot.
 *
 * 1. Reach: a zone can be patrolled by the groups whose shops reach its stop within the walking
 *    budget (reach.ts).
 * 2. Cover every reachable zone (heaviest first): put it into an existing patrol of a group that
 *    reaches it (if the closed tour from the group's leader shop through the patrol's stops stays
 *    within the length limit), or open a new patrol of such a group at the zone's best slot (if
 *    the group has patrols left this week) — whichever adds most expected incidents patrolled.
 *    A reachable zone that fits nowhere is reported ('capacity'); one no group reaches, too
 *    ('unreachable').
 * 3. Fill: patrols left over go, one at a time, to the (group, slot) that adds most incidents not
 *    yet patrolled, with further reachable zones active in that slot while the tour stays within
 *    the limit.
 * 4. Each patrol's slot is moved to the best hours for all of its zones.
 * 5. A patrol shorter than the minimum length is extended through more of the group's reachable
 *    zones, then through the group's own shops, until the closed tour is at least that long, still
 *    within the limit: a walk round the group's streets, not a few metres to the shop next door.
 * Tours are the existing exact / heuristic solver (patrol/tsp.ts); routes are expanded along the
 * streets by buildPatrolRoute. Value of a (zone, hour of week) = the zone's incidents per week
 * within its catchment in that hour, counted once however many patrols pass.
 */
import type { Feature, LineString } from 'geojson';
import { buildPatrolRoute, type PatrolRouteProps, type PatrolStop } from '../patrol';
import { solveTour } from '../patrol';
import { distanceMatrix } from '../routing';
import type { Network } from '../routing';
import type { Snap, Snapper } from '../routing';
import { DEFAULT_WALK_SPEED_MPS } from '../routing';
import { reachability, snapAll, type Place, type Reach } from './reach';
import { allSlots, HOURS_PER_WEEK, slotHours, type Slot } from './slots';
import type { HotZone } from './zones';

export interface PlanGroup {
  id: string;
  name?: string;
  /** where patrols start and end: the leader's shop */
  base: Place;
  shops: Place[];
}

export interface PlanOptions {
  /** walking budget from a group's shops to a zone, seconds (default 300) */
  walkS?: number;
  speedMps?: number;
  /** length limit of one patrol, metres (default 2000) */
  maxLengthM?: number;
  /**
   * length a patrol should at least walk, metres (default 600): a shorter tour is extended through
   * more of the group's reachable hot-zone stops, then through the group's own shops (a loop round
   * the group's streets, not the shop next door and back)
   */
  minLengthM?: number;
  /** patrols per group per week (default 3) */
  perGroup?: number;
  /** hours per patrol slot (default 2) */
  slotHours?: number;
  /** a fill patrol must add at least this many incidents per week (default 0.05) */
  minGain?: number;
  progress?: (fraction: number, message: string) => void;
}

export interface PlannedPatrol {
  group: string;
  slot: Slot;
  /** zone ids in patrol order */
  zones: string[];
  /** the leader's shop first, then the zones' stops and the shops passed on the way (`via`), in patrol order */
  stops: PatrolStop[];
  /** ids of the group's shops the patrol passes to reach its minimum length (in `stops`, not zones) */
  via: string[];
  lengthM: number;
  /** incidents per week this patrol is expected to pass (catchment of its zones, its hours, counted once) */
  expected: number;
  route: Feature<LineString, PatrolRouteProps>;
}

export interface ZoneAssignment {
  id: string;
  /** groups reaching the zone within the walking budget, nearest first */
  reach: { group: string; walkM: number }[];
  /** slots of the patrols passing the zone */
  patrolled: { group: string; slot: Slot }[];
}

export interface UncoveredZone {
  id: string;
  reason: 'unreachable' | 'capacity';
}

export interface WeekPlan {
  patrols: PlannedPatrol[];
  zones: ZoneAssignment[];
  uncovered: UncoveredZone[];
  params: Required<Omit<PlanOptions, 'progress'>>;
}

/** Zones per patrol (with the leader's shop: 12 stops, the exact solver's size). */
export const MAX_ZONES_PER_PATROL = 11;

interface Work {
  g: number;
  slot: Slot;
  zones: number[];
  len: number;
  /** indices into the group's shops passed to reach the minimum length */
  via?: number[];
}

export function defaults(o: PlanOptions = {}): Required<Omit<PlanOptions, 'progress'>> {
  return {
    walkS: o.walkS ?? 300,
    speedMps: o.speedMps ?? DEFAULT_WALK_SPEED_MPS,
    maxLengthM: o.maxLengthM ?? 2000,
    minLengthM: Math.min(o.minLengthM ?? 600, o.maxLengthM ?? 2000),
    perGroup: o.perGroup ?? 3,
    slotHours: o.slotHours ?? 2,
    minGain: o.minGain ?? 0.05,
  };
}

export function planWeek(net: Network, snapper: Snapper, groups: readonly PlanGroup[], zones: readonly HotZone[], opts: PlanOptions = {}): WeekPlan {
  const p = defaults(opts);
  const progress = opts.progress ?? (() => undefined);
  const zoneSnaps = snapAll(snapper, zones);
  const groupSnaps = groups.map((g) => snapAll(snapper, g.shops));
  progress(0.1, 'reach');
  const reach: Reach[][] = reachability(net, groupSnaps, zoneSnaps, p.walkS * p.speedMps);

  // per group: the zones it reaches and the walking matrix [base, those zones]
  // (then the group's other shops, the via points of step 5: shop k at matrix index shopAt + k)
  const local = groups.map(() => ({
    zones: [] as number[],
    at: new Map<number, number>(),
    shops: [] as number[],
    shopAt: 0,
    m: new Float64Array(0) as Float64Array<ArrayBufferLike>,
    n: 0,
    ok: false,
  }));
  reach.forEach((rs, z) => rs.forEach((r) => local[r.group]!.zones.push(z)));
  groups.forEach((g, gi) => {
    const L = local[gi]!;
    const base = snapper.snap(g.base.lon, g.base.lat, 500);
    if (!base || !L.zones.length) return;
    L.shops = g.shops.map((_, k) => k).filter((k) => g.shops[k]!.id !== g.base.id && groupSnaps[gi]![k]);
    L.shopAt = 1 + L.zones.length;
    const snaps: Snap[] = [base, ...L.zones.map((z) => zoneSnaps[z]!), ...L.shops.map((k) => groupSnaps[gi]![k]!)];
    L.m = distanceMatrix(net, snaps);
    L.n = snaps.length;
    L.zones.forEach((z, k) => L.at.set(z, k + 1));
    L.ok = true;
  });
  progress(0.3, 'matrices');
  const tourLen = (g: number, zs: readonly number[], via: readonly number[] = []): number => {
    const L = local[g]!;
    const idx = [0, ...zs.map((z) => L.at.get(z)!), ...via.map((k) => L.shopAt + L.shops.indexOf(k))];
    const n = idx.length;
    const sub = new Float64Array(n * n);
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) sub[a * n + b] = L.m[idx[a]! * L.n + idx[b]!]!;
    for (let a = 1; a < n; a++) if (!Number.isFinite(sub[a]!) || !Number.isFinite(sub[a * n]!)) return Infinity;
    return solveTour(sub, n, { closed: true }).length;
  };
  const canReach = (g: number, z: number) => local[g]!.ok && local[g]!.at.has(z);

  const captured = new Uint8Array(zones.length * HOURS_PER_WEEK);
  const gain = (z: number, s: Slot) => {
    let v = 0;
    for (const h of slotHours(s)) if (!captured[z * HOURS_PER_WEEK + h]) v += zones[z]!.profile[h]!;
    return v;
  };
  const capture = (z: number, s: Slot, on: boolean) => {
    for (const h of slotHours(s)) captured[z * HOURS_PER_WEEK + h] = on ? 1 : 0;
  };
  const slots = allSlots(p.slotHours);
  const bestSlot = (zs: readonly number[]): { slot: Slot; v: number } => {
    let best = slots[0]!,
      bv = -1;
    for (const s of slots) {
      let v = 0;
      for (const z of zs) v += gain(z, s);
      if (v > bv + 1e-12) {
        bv = v;
        best = s;
      }
    }
    return { slot: best, v: bv };
  };

  const patrols: Work[] = [];
  const countOf = new Int32Array(groups.length);
  const inPatrol = new Uint8Array(zones.length);
  const uncovered: UncoveredZone[] = [];

  // 2. cover every reachable zone
  const order = zones.map((_, i) => i).sort((a, b) => zones[b]!.weekly - zones[a]!.weekly || a - b);
  for (const z of order) {
    const gs = reach[z]!.map((r) => r.group).filter((g) => canReach(g, z));
    if (gs.length === 0) {
      uncovered.push({ id: zones[z]!.id, reason: 'unreachable' });
      continue;
    }
    let best: { v: number; add: number; apply: () => void } | null = null;
    const better = (v: number, add: number) => !best || v > best.v + 1e-9 || (Math.abs(v - best.v) <= 1e-9 && add < best.add);
    for (const g of gs) {
      for (const w of patrols) {
        if (w.g !== g || w.zones.length >= MAX_ZONES_PER_PATROL) continue;
        const len = tourLen(g, [...w.zones, z]);
        if (len > p.maxLengthM) continue;
        const v = gain(z, w.slot);
        if (better(v, len - w.len))
          best = {
            v,
            add: len - w.len,
            apply: () => {
              w.zones.push(z);
              w.len = len;
              capture(z, w.slot, true);
            },
          };
      }
      if (countOf[g]! < p.perGroup) {
        const len = tourLen(g, [z]);
        if (len <= p.maxLengthM) {
          const { slot, v } = bestSlot([z]);
          // a new patrol must add more than joining one would (it uses up one of the week's patrols)
          if (better(v - 1e-6, len))
            best = {
              v: v - 1e-6,
              add: len,
              apply: () => {
                patrols.push({ g, slot, zones: [z], len });
                countOf[g]!++;
                capture(z, slot, true);
              },
            };
        }
      }
    }
    if (!best) uncovered.push({ id: zones[z]!.id, reason: 'capacity' });
    else {
      best.apply();
      inPatrol[z] = 1;
    }
  }
  progress(0.5, 'cover');

  // 3. fill the patrols left over
  for (let guard = 0; guard < groups.length * p.perGroup; guard++) {
    let best: { g: number; slot: Slot; zones: number[]; len: number; v: number } | null = null;
    for (let g = 0; g < groups.length; g++) {
      if (countOf[g]! >= p.perGroup || !local[g]!.ok) continue;
      for (const seed of local[g]!.zones) {
        const { slot, v } = bestSlot([seed]);
        if (v < p.minGain || (best && v <= best.v)) continue;
        const len = tourLen(g, [seed]);
        if (len > p.maxLengthM) continue;
        best = { g, slot, zones: [seed], len, v };
      }
    }
    if (!best) break;
    // extend with other zones active in that slot, most valuable first, while within the limit
    const more = local[best.g]!.zones.filter((z) => z !== best!.zones[0] && gain(z, best!.slot) > 0).sort((a, b) => gain(b, best!.slot) - gain(a, best!.slot));
    for (const z of more) {
      if (best.zones.length >= MAX_ZONES_PER_PATROL) break;
      const len = tourLen(best.g, [...best.zones, z]);
      if (len <= p.maxLengthM) {
        best.zones.push(z);
        best.len = len;
      }
    }
    patrols.push({ g: best.g, slot: best.slot, zones: best.zones, len: best.len });
    countOf[best.g]!++;
    for (const z of best.zones) capture(z, best.slot, true);
  }
  progress(0.7, 'fill');

  // 4. move each patrol to the best hours for all of its zones
  for (const w of patrols) {
    for (const z of w.zones) capture(z, w.slot, false);
    // another patrol may still hold some of these hours
    for (const o of patrols) if (o !== w) for (const z of o.zones) capture(z, o.slot, true);
    const { slot } = bestSlot(w.zones);
    w.slot = slot;
    for (const z of w.zones) capture(z, w.slot, true);
  }

  // 5. extend short patrols: more of the group's reachable zones first, then its own shops
  for (const w of patrols) {
    const via: number[] = [];
    const own = new Set(w.zones);
    const zoneCands = local[w.g]!.zones.filter((z) => !own.has(z));
    const shopCands = local[w.g]!.shops.slice();
    for (const [cands, isZone] of [
      [zoneCands, true],
      [shopCands, false],
    ] as const) {
      while (w.len < p.minLengthM && w.zones.length + via.length < MAX_ZONES_PER_PATROL && cands.length) {
        let pick = -1,
          pickLen = 0,
          pickGain = 0;
        for (const c of cands) {
          const len = isZone ? tourLen(w.g, [...w.zones, c], via) : tourLen(w.g, w.zones, [...via, c]);
          if (len > p.maxLengthM) continue;
          const v = isZone ? gain(c, w.slot) : 0;
          const reaches = len >= p.minLengthM;
          const pickReaches = pick >= 0 && pickLen >= p.minLengthM;
          // a zone adding incidents in the slot first (most first); then one reaching the minimum
          // beats one that does not; among those reaching it the shortest, among the others the longest
          const better =
            pick < 0 ||
            v > pickGain + 1e-12 ||
            (Math.abs(v - pickGain) <= 1e-12 &&
              ((reaches && !pickReaches) || (reaches === pickReaches && (reaches ? len < pickLen - 1e-6 : len > pickLen + 1e-6))));
          if (better) {
            pick = c;
            pickLen = len;
            pickGain = v;
          }
        }
        if (pick < 0) break;
        if (isZone) {
          w.zones.push(pick);
          capture(pick, w.slot, true);
        } else via.push(pick);
        w.len = pickLen;
        cands.splice(cands.indexOf(pick), 1);
      }
    }
    w.via = via;
  }

  // routes along the streets, expected value (counted once)
  captured.fill(0);
  const out: PlannedPatrol[] = patrols.map((w, k) => {
    progress(0.7 + (0.3 * k) / Math.max(1, patrols.length), 'routes');
    const g = groups[w.g]!;
    const viaShops = (w.via ?? []).map((k) => g.shops[k]!);
    const stops: PatrolStop[] = [
      { id: g.base.id, lon: g.base.lon, lat: g.base.lat },
      ...w.zones.map((z) => ({ id: zones[z]!.id, lon: zones[z]!.lon, lat: zones[z]!.lat })),
      ...viaShops.map((v) => ({ id: v.id, lon: v.lon, lat: v.lat })),
    ];
    const isVia = new Set(viaShops.map((v) => v.id));
    const route = buildPatrolRoute(net, stops, { closed: true, snapper, maxSnapM: 500, speedMps: p.speedMps });
    const byId = new Map(stops.map((s) => [s.id, s]));
    const ordered = route.properties.order.map((id) => byId.get(id)!);
    let expected = 0;
    for (const z of w.zones) {
      expected += gain(z, w.slot);
      capture(z, w.slot, true);
    }
    return {
      group: g.id,
      slot: w.slot,
      zones: ordered
        .slice(1)
        .filter((s) => !isVia.has(s.id))
        .map((s) => s.id),
      stops: ordered,
      via: ordered.filter((s) => isVia.has(s.id)).map((s) => s.id),
      lengthM: route.properties.length_m,
      expected: Math.round(expected * 1000) / 1000,
      route,
    };
  });
  out.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0) || a.slot.weekday - b.slot.weekday || a.slot.start - b.slot.start);
  progress(1, 'done');
  return {
    patrols: out,
    zones: zones.map((z, i) => ({
      id: z.id,
      reach: reach[i]!.map((r) => ({ group: groups[r.group]!.id, walkM: Math.round(r.walkM) })),
      patrolled: out.filter((w) => w.zones.includes(z.id)).map((w) => ({ group: w.group, slot: w.slot })),
    })),
    // a zone reported for want of capacity may have been taken into a patrol extended in step 5
    uncovered: uncovered.filter((u) => !out.some((w) => w.zones.includes(u.id))),
    params: p,
  };
}
