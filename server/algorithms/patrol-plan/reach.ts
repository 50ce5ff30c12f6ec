/**
 * Which joint-defense groups reach which hot zones (pure): walking distance along the street
 * network from the nearest of a group's shops to a zone's stop, kept when within the walking
 * budget (default 5 minutes at 1.2 m/s = 360 m).
 */
import { distanceToSnap, ShortestPathTree, snapSources, type Source } from '../routing';
import type { Network } from '../routing';
import type { Snap, Snapper } from '../routing';

export interface Place {
  id: string;
  lon: number;
  lat: number;
}

export interface Reach {
  group: number;
  walkM: number;
}

/** Max distance from a shop or a zone stop to the street network (metres). */
export const PLAN_SNAP_M = 200;

export function snapAll(snapper: Snapper, places: readonly Place[]): (Snap | null)[] {
  return places.map((p) => snapper.snap(p.lon, p.lat, PLAN_SNAP_M));
}

/**
 * For every zone (by its snapped stop; null = off the streets), the groups whose shops reach it
 * within budgetM, nearest first.
 */
export function reachability(net: Network, groupShops: readonly (readonly (Snap | null)[])[], zoneSnaps: readonly (Snap | null)[], budgetM: number): Reach[][] {
  const out: Reach[][] = zoneSnaps.map(() => []);
  const tree = new ShortestPathTree(net);
  groupShops.forEach((shops, g) => {
    const own = shops.filter((s): s is Snap => s !== null);
    if (!own.length) return;
    const sources: Source[] = own.flatMap((s) => snapSources(net, s));
    tree.run(sources, budgetM);
    zoneSnaps.forEach((z, k) => {
      if (!z) return;
      let d = distanceToSnap(net, tree, null, z);
      for (const s of own) if (s.edge === z.edge) d = Math.min(d, Math.abs(s.offset - z.offset));
      if (d <= budgetM) out[k]!.push({ group: g, walkM: d });
    });
  });
  for (const r of out) r.sort((a, b) => a.walkM - b.walkM || a.group - b.group);
  return out;
}
