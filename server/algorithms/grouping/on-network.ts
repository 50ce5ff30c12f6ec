/** Grouping of shops on a street network: snapping, walking-distance oracle, ids in and out. */
import type { Network } from '../routing';
import { Snapper, componentFilter, type Snap } from '../routing';
import { groupShops, type GroupingOptions } from './group';
import { networkDistanceOracle } from './network-oracle';

export interface ShopInput {
  id: string;
  lon: number;
  lat: number;
  /** Grid code; groups never cross grids unless crossPartitions. */
  grid?: string | null;
  /** A chosen leader. */
  leader?: boolean;
}

export interface ShopGroup {
  id: string;
  grid: string | null;
  leader: string;
  members: string[];
  diameter_m: number | null;
  mean_pair_m: number | null;
  max_response_s: number | null;
}

export interface ShopGroupingResult {
  groups: ShopGroup[];
  warnings: string[];
  stats: { shops: number; groups: number; mean_diameter_m: number | null; max_diameter_m: number | null; pair_searches: number };
}

/** Snap to the largest component unless the nearest street elsewhere is much closer (> slackM). */
export function snapShops(net: Network, shops: { lon: number; lat: number }[], slackM = 50): Snap[] {
  const any = new Snapper(net);
  const main = new Snapper(net, { edgeFilter: componentFilter(net, 0) });
  return shops.map((s) => {
    const a = any.snap(s.lon, s.lat)!;
    const b = main.snap(s.lon, s.lat);
    return b && b.distanceM <= a.distanceM + slackM ? b : a;
  });
}

const r1 = (x: number) => Math.round(x * 10) / 10;

export function groupShopsOnNetwork(net: Network, shops: ShopInput[], opts: GroupingOptions = {}): ShopGroupingResult {
  const warnings: string[] = [];
  if (net.edgeCount === 0) throw new Error('the street network is empty');
  const snaps = snapShops(net, shops);
  snaps.forEach((s, i) => {
    if (s.distanceM > 300) warnings.push(`shop ${shops[i].id} is ${Math.round(s.distanceM)} m from the nearest street`);
  });
  const oracle = networkDistanceOracle(net, snaps);
  const xy = new Float64Array(2 * shops.length);
  shops.forEach((s, i) => {
    xy[2 * i] = net.proj.x(s.lon);
    xy[2 * i + 1] = net.proj.y(s.lat);
  });
  const preferred = shops.flatMap((s, i) => (s.leader ? [i] : []));
  const res = groupShops({ oracle, xy, partition: shops.map((s) => s.grid ?? null), preferredLeaders: preferred }, opts);
  warnings.push(...res.warnings.map((w) => w.replace(/leader item (\d+)/, (_, i) => `leader ${shops[Number(i)].id}`)));
  const seq = new Map<string, number>();
  const groups: ShopGroup[] = res.groups.map((g) => {
    const key = g.partition ?? '';
    const k = (seq.get(key) ?? 0) + 1;
    seq.set(key, k);
    const finite = Number.isFinite(g.diameterM);
    return {
      id: `${key ? key + '-' : 'G'}${String(k).padStart(3, '0')}`,
      grid: g.partition,
      leader: shops[g.leader].id,
      members: g.members.map((m) => shops[m].id),
      diameter_m: finite ? r1(g.diameterM) : null,
      mean_pair_m: finite ? r1(g.meanPairM) : null,
      max_response_s: Number.isFinite(g.maxResponseS) ? r1(g.maxResponseS) : null,
    };
  });
  const ds = groups.map((g) => g.diameter_m).filter((d): d is number => d !== null);
  return {
    groups,
    warnings,
    stats: {
      shops: shops.length,
      groups: groups.length,
      mean_diameter_m: ds.length ? r1(ds.reduce((a, b) => a + b, 0) / ds.length) : null,
      max_diameter_m: ds.length ? Math.max(...ds) : null,
      pair_searches: oracle.stats.pairSearches,
    },
  };
}
