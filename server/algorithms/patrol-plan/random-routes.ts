/**
 * The random baseline of the coverage figure (pure, seeded): for each target patrol, a closed route
 * along the streets through randomly drawn shops of the sub-district, of about the same length
 * (shops are added near the first one until the tour reaches the target length), keeping the
 * target's time slot — so the comparison is about where routes go, not when.
 */
import { buildPatrolRoute, type PatrolStop } from '../patrol';
import { solveTour } from '../patrol';
import { distanceMatrix } from '../routing';
import { haversineM } from '../routing';
import type { Network } from '../routing';
import type { Snap, Snapper } from '../routing';
import type { CoverageRoute } from './coverage';
import type { Place } from './reach';
import type { Slot } from './slots';
import { mulberry32 } from '../../../common/rng';

export interface RandomTarget {
  lengthM: number;
  slot: Slot;
}

export interface RandomRoute extends CoverageRoute {
  lengthM: number;
  stops: PatrolStop[];
}

export function seededRandom(seed: number): () => number {
  return mulberry32(seed);
}

export function randomShopRoutes(net: Network, snapper: Snapper, shops: readonly Place[], targets: readonly RandomTarget[], seed = 1): RandomRoute[] {
  const rand = seededRandom(seed);
  const snapped = shops
    .map((s) => ({ s, snap: snapper.snap(s.lon, s.lat, 200) }))
    .filter((x): x is { s: Place; snap: Snap } => x.snap !== null && net.component[net.edgeU[x.snap.edge]!] === 0);
  const out: RandomRoute[] = [];
  if (snapped.length < 2) return out;
  for (const t of targets) {
    const first = snapped[Math.floor(rand() * snapped.length)]!;
    // shops within a walk of half the target length (straight line as a cheap bound), in random order
    const near = snapped.filter((x) => x !== first && haversineM(first.s.lon, first.s.lat, x.s.lon, x.s.lat) <= t.lengthM / 2);
    for (let i = near.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [near[i], near[j]] = [near[j]!, near[i]!];
    }
    let chosen = [first];
    let len = 0;
    for (const x of near.slice(0, 11)) {
      const next = [...chosen, x];
      const m = distanceMatrix(
        net,
        next.map((c) => c.snap),
      );
      const l = solveTour(m, next.length, { closed: true }).length;
      if (l > t.lengthM * 1.1 && chosen.length > 1) break;
      chosen = next;
      len = l;
      if (len >= t.lengthM * 0.9) break;
    }
    if (chosen.length < 2) continue;
    const stops = chosen.map((c) => ({ id: c.s.id, lon: c.s.lon, lat: c.s.lat }));
    const f = buildPatrolRoute(net, stops, { closed: true, snapper, maxSnapM: 500 });
    out.push({ coords: f.geometry.coordinates, slots: [t.slot], lengthM: f.properties.length_m, stops });
    void len;
  }
  return out;
}
