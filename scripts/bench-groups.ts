/**
 * bench:groups — joint-defense grouping quality and speed, patrol route quality and speed.
 * Prints one JSON object on stdout and writes bench/results/groups-<date>.json. Progress on stderr.
 *
 * Grouping is compared with two baselines using the same walking-distance oracle and the same
 * group sizes: (1) runs of shops along each street, streets in space-filling order; (2) size-
 * balanced k-means on straight-line distance. Data sets: the demo district when
 * .data/demo/{shops,streets}.geojson exist (else a synthetic city), and the real Shanghai Bund
 * OpenStreetMap roads (healed) with the real POIs and with synthetic shops on commercial streets.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Feature, LineString, MultiLineString } from 'geojson';
import { groupShops, hilbertOrder, networkDistanceOracle, snapShops, targetSizes, type DistanceOracle } from '../server/algorithms/grouping';
import { buildPatrolRoute, heldKarp, solveTour } from '../server/algorithms/patrol';
import {
  buildNetwork,
  componentSummary,
  distanceMatrix,
  healLinesWithStats,
  pointAt,
  Snapper,
  componentFilter,
  type Network,
} from '../server/algorithms/routing';

const log = (s: string) => process.stderr.write(`bench-groups: ${s}\n`);
const r1 = (x: number) => Math.round(x * 10) / 10;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

type Line = Feature<LineString | MultiLineString>;
interface Shop {
  id: string;
  lon: number;
  lat: number;
}

// ---------------------------------------------------------------- data sets

/** Jittered lattice city around Anqing; every third street is commercial. */
function syntheticCity(cols: number, rows: number, seed: number): { streets: Line[]; commercial: Line[] } {
  const rand = prng(seed);
  const lon0 = 117.02,
    lat0 = 30.5,
    dLon = 120 / 95900,
    dLat = 120 / 111195;
  const P = (c: number, r: number): [number, number] => {
    const h = (c * 7919 + r * 104729 + seed) % 1000;
    return [lon0 + c * dLon + ((h % 37) - 18) * 1e-6 * 15, lat0 + r * dLat + ((((h / 37) | 0) % 37) - 18) * 1e-6 * 15];
  };
  const streets: Line[] = [],
    commercial: Line[] = [];
  const emit = (pts: [number, number][], com: boolean) => {
    if (pts.length < 2) return;
    const f: Line = { type: 'Feature', properties: { class: com ? 'secondary' : 'local' }, geometry: { type: 'LineString', coordinates: pts } };
    streets.push(f);
    if (com) commercial.push(f);
  };
  for (let r = 0; r < rows; r++) {
    let run: [number, number][] = [P(0, r)];
    for (let c = 1; c < cols; c++) {
      if (rand() < 0.08 && r % 3 !== 0) {
        emit(run, false);
        run = [P(c, r)];
        continue;
      }
      run.push(P(c, r));
    }
    emit(run, r % 3 === 0);
  }
  for (let c = 0; c < cols; c++) {
    let run: [number, number][] = [P(c, 0)];
    for (let r = 1; r < rows; r++) {
      if (rand() < 0.08 && c % 3 !== 0) {
        emit(run, false);
        run = [P(c, r)];
        continue;
      }
      run.push(P(c, r));
    }
    emit(run, c % 3 === 0);
  }
  return { streets, commercial };
}

/** n shops along the given streets (random positions, 8-15 m off the centre line). */
function shopsAlong(net: Network, lines: Set<number>, n: number, seed: number): Shop[] {
  const rand = prng(seed);
  const edges: number[] = [];
  let total = 0;
  const cum: number[] = [];
  for (let e = 0; e < net.edgeCount; e++) {
    if (!lines.has(net.edgeSource[e]) || net.component[net.edgeU[e]] !== 0) continue;
    edges.push(e);
    total += net.edgeLen[e];
    cum.push(total);
  }
  const shops: Shop[] = [];
  for (let i = 0; i < n; i++) {
    const x = rand() * total;
    let lo = 0,
      hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    const e = edges[lo];
    const off = net.edgeLen[e] - (cum[lo] - x);
    const [lon, lat] = pointAt(net, e, off);
    const side = (rand() < 0.5 ? -1 : 1) * (8 + rand() * 7);
    const a = pointAt(net, e, Math.max(0, off - 1)),
      b = pointAt(net, e, Math.min(net.edgeLen[e], off + 1));
    const dx = (b[0] - a[0]) * net.proj.kx,
      dy = (b[1] - a[1]) * net.proj.ky;
    const len = Math.hypot(dx, dy) || 1;
    shops.push({ id: `s${i}`, lon: lon + ((-dy / len) * side) / net.proj.kx, lat: lat + ((dx / len) * side) / net.proj.ky });
  }
  return shops;
}

// ---------------------------------------------------------------- baselines

function diameters(groups: number[][], oracle: DistanceOracle): number[] {
  return groups.map((g) => {
    let d = 0;
    for (let a = 0; a < g.length; a++) for (let b = a + 1; b < g.length; b++) d = Math.max(d, oracle.dist(g[a], g[b]));
    return d;
  });
}

function cut(order: number[], sizes: number[]): number[][] {
  const out: number[][] = [];
  let k = 0;
  for (const s of sizes) {
    out.push(order.slice(k, k + s));
    k += s;
  }
  return out;
}

/** Baseline 1: runs of shops along each street (streets in Hilbert order of their first shop). */
function streetRuns(net: Network, snaps: { edge: number; offset: number }[], xy: Float64Array, sizes: number[]): number[][] {
  const byStreet = new Map<number, number[]>();
  snaps.forEach((s, i) => {
    const st = net.edgeSource[s.edge];
    const l = byStreet.get(st);
    if (l) l.push(i);
    else byStreet.set(st, [i]);
  });
  const idx = [...Array(snaps.length).keys()];
  const h = hilbertOrder(idx, xy);
  const rank = new Int32Array(snaps.length);
  h.forEach((i, r) => (rank[i] = r));
  const streets = [...byStreet.values()].map((l) => l.sort((a, b) => snaps[a].edge - snaps[b].edge || snaps[a].offset - snaps[b].offset));
  streets.sort((a, b) => Math.min(...a.map((i) => rank[i])) - Math.min(...b.map((i) => rank[i])));
  return cut(streets.flat(), sizes);
}

/** Baseline 2: size-balanced k-means on straight-line distance (capacities = the target sizes). */
function balancedKMeans(xy: Float64Array, sizes: number[], seed: number): number[][] {
  const n = xy.length / 2,
    k = sizes.length;
  const rand = prng(seed);
  const cx = new Float64Array(k),
    cy = new Float64Array(k);
  // k-means++ seeding
  const first = Math.floor(rand() * n);
  cx[0] = xy[2 * first];
  cy[0] = xy[2 * first + 1];
  const dmin = new Float64Array(n).fill(Infinity);
  for (let c = 1; c < k; c++) {
    let tot = 0;
    for (let i = 0; i < n; i++) {
      dmin[i] = Math.min(dmin[i], (xy[2 * i] - cx[c - 1]) ** 2 + (xy[2 * i + 1] - cy[c - 1]) ** 2);
      tot += dmin[i];
    }
    let x = rand() * tot,
      pick = n - 1;
    for (let i = 0; i < n; i++) {
      x -= dmin[i];
      if (x <= 0) {
        pick = i;
        break;
      }
    }
    cx[c] = xy[2 * pick];
    cy[c] = xy[2 * pick + 1];
  }
  let assign = new Int32Array(n);
  for (let it = 0; it < 15; it++) {
    const cap = sizes.slice();
    const dist = (i: number, c: number) => (xy[2 * i] - cx[c]) ** 2 + (xy[2 * i + 1] - cy[c]) ** 2;
    const pref: number[][] = [];
    const regret = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const cs = [...Array(k).keys()].sort((a, b) => dist(i, a) - dist(i, b));
      pref.push(cs);
      regret[i] = k > 1 ? dist(i, cs[1]) - dist(i, cs[0]) : 0;
    }
    const order = [...Array(n).keys()].sort((a, b) => regret[b] - regret[a]);
    const next = new Int32Array(n);
    for (const i of order) {
      const c = pref[i].find((c) => cap[c] > 0)!;
      cap[c]--;
      next[i] = c;
    }
    assign = next;
    const sx = new Float64Array(k),
      sy = new Float64Array(k),
      cnt = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      sx[assign[i]] += xy[2 * i];
      sy[assign[i]] += xy[2 * i + 1];
      cnt[assign[i]]++;
    }
    for (let c = 0; c < k; c++)
      if (cnt[c]) {
        cx[c] = sx[c] / cnt[c];
        cy[c] = sy[c] / cnt[c];
      }
  }
  const out: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) out[assign[i]].push(i);
  return out;
}

// ---------------------------------------------------------------- grouping runs

function summary(ds: number[]) {
  const finite = ds.filter(Number.isFinite);
  return {
    mean_diameter_m: r1(finite.reduce((a, b) => a + b, 0) / finite.length),
    worst_diameter_m: r1(Math.max(...finite)),
    disconnected_groups: ds.length - finite.length,
  };
}

function groupingCase(name: string, net: Network, shops: Shop[], withBaselines: boolean) {
  log(`${name}: ${shops.length} shops`);
  const t0 = performance.now();
  const snaps = snapShops(net, shops);
  const oracle = networkDistanceOracle(net, snaps);
  const t1 = performance.now();
  const xy = new Float64Array(2 * shops.length);
  shops.forEach((s, i) => {
    xy[2 * i] = net.proj.x(s.lon);
    xy[2 * i + 1] = net.proj.y(s.lat);
  });
  const res = groupShops({ oracle, xy });
  const t2 = performance.now();
  const ours = summary(res.groups.map((g) => g.diameterM));
  const out: Record<string, unknown> = {
    shops: shops.length,
    groups: res.groups.length,
    sizes: Object.fromEntries(
      [...new Set(res.groups.map((g) => g.members.length))].sort().map((s) => [s, res.groups.filter((g) => g.members.length === s).length]),
    ),
    ours: { ...ours, mean_max_response_s: r1(res.groups.reduce((a, g) => a + (Number.isFinite(g.maxResponseS) ? g.maxResponseS : 0), 0) / res.groups.length) },
    time_ms: { distance_oracle: Math.round(t1 - t0), grouping: Math.round(t2 - t1), total: Math.round(t2 - t0) },
    warnings: res.warnings.length,
  };
  if (withBaselines) {
    const sizes = targetSizes(shops.length).sizes;
    const runs = summary(diameters(streetRuns(net, snaps, xy, sizes), oracle));
    const km = summary(diameters(balancedKMeans(xy, sizes, 1), oracle));
    const better = runs.mean_diameter_m <= km.mean_diameter_m ? runs : km;
    out.baseline_street_runs = runs;
    out.baseline_balanced_kmeans = km;
    out.ours_no_worse_than_better_baseline =
      ours.mean_diameter_m <= Math.min(runs.mean_diameter_m, km.mean_diameter_m) &&
      ours.worst_diameter_m <= Math.min(runs.worst_diameter_m, km.worst_diameter_m);
    out.mean_diameter_vs_better_baseline = r3(ours.mean_diameter_m / better.mean_diameter_m);
  }
  out.pair_searches = oracle.stats.pairSearches;
  log(`${name}: ${JSON.stringify(out)}`);
  return out;
}

// ---------------------------------------------------------------- patrol

function patrolCase(name: string, net: Network, sets: number, seed: number) {
  const rand = prng(seed);
  const snapper = new Snapper(net, { edgeFilter: componentFilter(net, 0) });
  const [minX, minY, maxX, maxY] = [...bboxOf(net)];
  const randomStops = (k: number) =>
    Array.from({ length: k }, (_, i) => {
      const s = snapper.snap(minX + rand() * (maxX - minX), minY + rand() * (maxY - minY))!;
      return { id: `p${i}`, lon: s.lon, lat: s.lat, snap: s };
    });
  const ratios: number[] = [];
  let optimalHits = 0;
  for (let t = 0; t < sets; t++) {
    const k = 5 + (t % 8); // 5..12 stops
    const stops = randomStops(k);
    const m = distanceMatrix(
      net,
      stops.map((s) => s.snap),
    );
    const closed = t % 2 === 0;
    const h = solveTour(m, k, { closed, seed: t + 1, exactUpTo: 0 });
    const opt = heldKarp(m, k, closed);
    const ratio = opt.length > 0 ? h.length / opt.length : 1;
    ratios.push(ratio);
    if (ratio <= 1 + 1e-9) optimalHits++;
  }
  const stops50 = randomStops(50).map(({ id, lon, lat }) => ({ id, lon, lat }));
  const t0 = performance.now();
  const route = buildPatrolRoute(net, stops50, { closed: true, snapper });
  const t50 = performance.now() - t0;
  const out = {
    sets,
    stops_per_set: '5-12 (alternating closed/open)',
    worst_ratio_vs_held_karp: r3(Math.max(...ratios)),
    mean_ratio_vs_held_karp: Math.round((ratios.reduce((a, b) => a + b, 0) / ratios.length) * 1e5) / 1e5,
    optimal_share: r3(optimalHits / sets),
    within_1_02: ratios.every((r) => r <= 1.02),
    route_50_stops: { time_ms: Math.round(t50), length_m: route.properties.length_m },
  };
  log(`patrol ${name}: ${JSON.stringify(out)}`);
  return out;
}

function bboxOf(net: Network): [number, number, number, number] {
  let a = Infinity,
    b = Infinity,
    c = -Infinity,
    d = -Infinity;
  for (let n = 0; n < net.nodeCount; n++) {
    if (net.component[n] !== 0) continue;
    a = Math.min(a, net.nodeLon[n]);
    c = Math.max(c, net.nodeLon[n]);
    b = Math.min(b, net.nodeLat[n]);
    d = Math.max(d, net.nodeLat[n]);
  }
  return [a, b, c, d];
}

// ---------------------------------------------------------------- main

function main() {
  const result: Record<string, unknown> = { bench: 'groups', started_at: new Date().toISOString(), node: process.version };

  // 1. Demo district or synthetic city.
  const demoShops = '.data/demo/shops.geojson',
    demoStreets = '.data/demo/streets.geojson';
  let cityNet: Network, cityShops: Shop[], cityLabel: string;
  if (existsSync(demoShops) && existsSync(demoStreets)) {
    const streets = (JSON.parse(readFileSync(demoStreets, 'utf8')).features as Line[]).filter((f) => f.properties?.class !== 'rail');
    cityNet = buildNetwork(streets);
    cityShops = (JSON.parse(readFileSync(demoShops, 'utf8')).features as Feature[]).map((f, i) => {
      const c = (f.geometry as unknown as { coordinates: [number, number] }).coordinates;
      return { id: String(f.properties?.id ?? i), lon: c[0], lat: c[1] };
    });
    cityLabel = 'demo district (.data/demo)';
  } else {
    const city = syntheticCity(30, 30, 7);
    cityNet = buildNetwork(city.streets);
    const com = new Set(city.commercial.map((f) => city.streets.indexOf(f)));
    cityShops = shopsAlong(cityNet, com, 2000, 11);
    cityLabel = 'synthetic city 30x30 blocks of 120 m (no .data/demo found)';
  }
  const cityQuality = cityShops.length > 5000 ? cityShops.slice(0, 5000) : cityShops;
  result.city = {
    source: cityLabel,
    network: { nodes: cityNet.nodeCount, edges: cityNet.edgeCount },
    grouping: groupingCase('city', cityNet, cityQuality, true),
  };

  // 2. Real Shanghai Bund roads, healed.
  const roadsFile = '/work/shared/geodata/substitute-shanghai-bund-tilezen/shanghai_bund_roads.geojson';
  const poisFile = '/work/shared/geodata/substitute-shanghai-bund-tilezen/shanghai_bund_pois.geojson';
  const roads = (JSON.parse(readFileSync(roadsFile, 'utf8')).features as Line[]).filter((f) => !['rail', 'ferry'].includes(String(f.properties?.kind)));
  const before = componentSummary(buildNetwork(roads));
  const th = performance.now();
  const healed = healLinesWithStats(roads, { toleranceM: 1 });
  const healMs = performance.now() - th;
  const sh = buildNetwork(healed.lines);
  const after = componentSummary(sh);
  const commercial = new Set<number>();
  healed.lines.forEach((f, i) => {
    const k = String(f.properties?.kind_detail);
    if (['primary', 'secondary', 'tertiary', 'pedestrian', 'residential', 'living_street'].includes(k)) commercial.add(i);
  });
  const pois = (JSON.parse(readFileSync(poisFile, 'utf8')).features as Feature[])
    .filter(
      (f) =>
        !['traffic_signals', 'bus_stop', 'tree', 'bollard', 'gate', 'post_box', 'platform', 'subway_entrance', 'tram_stop'].includes(
          String(f.properties?.kind),
        ),
    )
    .map((f, i) => {
      const c = (f.geometry as unknown as { coordinates: [number, number] }).coordinates;
      return { id: `poi${i}`, lon: c[0], lat: c[1] };
    });
  result.shanghai = {
    source: 'Shanghai Bund OSM roads (Tilezen, tile-cut), walkable kinds, healed with 1 m tolerance',
    healing: {
      ...healed.stats,
      time_ms: Math.round(healMs),
      components_before: before.count,
      components_after: after.count,
      largest_component_share_of_length_before: r3(before.largestShareOfLength),
      largest_component_share_of_length_after: r3(after.largestShareOfLength),
      largest_component_nodes_before: before.components[0].nodes,
      largest_component_nodes_after: after.components[0].nodes,
    },
    grouping_real_pois: groupingCase('shanghai-pois', sh, pois, true),
    grouping_synthetic_shops: groupingCase('shanghai-synthetic', sh, shopsAlong(sh, commercial, 1500, 3), true),
  };

  // 3. Timing at 2k and 10k shops on a big synthetic city.
  const big = syntheticCity(60, 60, 13);
  const bigNet = buildNetwork(big.streets);
  const bigCom = new Set(big.commercial.map((f) => big.streets.indexOf(f)));
  result.timing = {
    network: { nodes: bigNet.nodeCount, edges: bigNet.edgeCount, source: 'synthetic city 60x60 blocks of 120 m' },
    shops_2k: groupingCase('timing-2k', bigNet, shopsAlong(bigNet, bigCom, 2000, 21), false),
    shops_10k: groupingCase('timing-10k', bigNet, shopsAlong(bigNet, bigCom, 10000, 22), false),
  };

  // 4. Patrol.
  result.patrol = {
    shanghai: patrolCase('shanghai', sh, 120, 5),
    city: patrolCase('city', cityNet, 80, 6),
  };

  result.finished_at = new Date().toISOString();
  const json = JSON.stringify(result, null, 1);
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/groups-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, json + '\n');
  log(`wrote ${file}`);
  process.stdout.write(json + '\n');
}

main();
