/**
 * ~20,000 incidents over two years (2024-11-01 … 2026-10-31, Asia/Shanghai time) with weekday and
 * hour rhythms per type, a background proportional to households, and a few planted hot spots.
 */
import type { City, CityBuilding } from './city';
import type { IncidentType, PlantedHotspot } from './types';
import type { Rng } from '../../common/rng';
import { weightedSampler } from '../../common/rng';
import { toLonLat, type XY } from './proj';

export const PERIOD_START = Date.UTC(2024, 10, 1) - 8 * 3600e3; // 2024-11-01 00:00 +08:00
export const PERIOD_DAYS = 730;
export const NOW = PERIOD_START + PERIOD_DAYS * 86400e3 - 60e3; // 2026-10-31 23:59 +08:00

export interface IncidentRow {
  id: string;
  type: IncidentType;
  t: number; // epoch ms
  source: string;
  building: CityBuilding;
  pos: XY;
}

const TYPES: Array<{ type: IncidentType; share: number; weekday: number[]; hours: number[] }> = [
  // weekday weights Mon..Sun; hour weights 0..23
  {
    type: 'public_order',
    share: 0.28,
    weekday: [0.8, 0.8, 0.85, 0.9, 1.2, 1.6, 1.4],
    hours: hours([
      [0, 2, 1.2],
      [2, 7, 0.3],
      [7, 17, 0.7],
      [17, 20, 1.5],
      [20, 24, 2.2],
    ]),
  },
  {
    type: 'dispute',
    share: 0.2,
    weekday: [1, 1, 1, 1, 1.05, 1.3, 1.3],
    hours: hours([
      [0, 7, 0.15],
      [7, 12, 1],
      [12, 14, 0.8],
      [14, 22, 1.3],
      [22, 24, 0.5],
    ]),
  },
  {
    type: 'environment',
    share: 0.18,
    weekday: [1.1, 1.1, 1.1, 1.1, 1, 0.8, 0.8],
    hours: hours([
      [0, 6, 0.2],
      [6, 10, 1.4],
      [10, 18, 1],
      [18, 23, 0.9],
      [23, 24, 0.4],
    ]),
  },
  {
    type: 'facilities',
    share: 0.18,
    weekday: [1.2, 1.1, 1.1, 1.1, 1, 0.7, 0.7],
    hours: hours([
      [0, 7, 0.1],
      [7, 12, 1.5],
      [12, 14, 0.8],
      [14, 18, 1.4],
      [18, 22, 0.5],
      [22, 24, 0.1],
    ]),
  },
  {
    type: 'fire_risk',
    share: 0.09,
    weekday: [1, 1, 1, 1, 1, 1, 1],
    hours: hours([
      [0, 6, 0.6],
      [6, 17, 0.8],
      [17, 24, 1.5],
    ]),
  },
  {
    type: 'other',
    share: 0.07,
    weekday: [1, 1, 1, 1, 1, 0.8, 0.8],
    hours: hours([
      [0, 7, 0.2],
      [7, 20, 1],
      [20, 24, 0.4],
    ]),
  },
];

function hours(spans: Array<[number, number, number]>): number[] {
  const h = new Array<number>(24).fill(0);
  for (const [a, b, w] of spans) for (let i = a; i < b; i++) h[i] = w;
  return h;
}

/** Day-of-year seasonal factor per type (fire risk in winter, environment in summer). */
function season(type: IncidentType, month: number): number {
  if (type === 'fire_risk') return [1.6, 1.4, 1.1, 0.8, 0.7, 0.7, 0.8, 0.8, 0.8, 0.9, 1.2, 1.5][month];
  if (type === 'environment') return [0.7, 0.7, 0.9, 1.1, 1.2, 1.4, 1.5, 1.4, 1.1, 0.9, 0.8, 0.7][month];
  return 1;
}

/** ISO 8601 in +08:00 (Asia/Shanghai). */
export function iso8(t: number): string {
  const d = new Date(t + 8 * 3600e3);
  return d.toISOString().slice(0, 19) + '+08:00';
}
const localParts = (t: number) => {
  const d = new Date(t + 8 * 3600e3);
  return { dow: (d.getUTCDay() + 6) % 7, month: d.getUTCMonth(), hour: d.getUTCHours() };
};

function drawTime(r: Rng, spec: (typeof TYPES)[number], from: number, to: number, extra?: (t: number) => number): number {
  const hs = weightedSampler(spec.hours);
  for (let k = 0; k < 1000; k++) {
    const day = Math.floor(r.next() * ((to - from) / 86400e3));
    const dayStart = from + day * 86400e3;
    const { dow, month } = localParts(dayStart + 12 * 3600e3);
    const w = (spec.weekday[dow] / 1.6) * (season(spec.type, month) / 1.6) * (extra ? extra(dayStart) : 1);
    if (r.next() > w) continue;
    const h = hs(r.next());
    return dayStart + h * 3600e3 + Math.floor(r.next() * 3600) * 1000;
  }
  return from;
}

const SOURCES = ['grid_visit', 'hotline_12345', 'patrol', 'camera'];
const SOURCE_W = [0.55, 0.2, 0.15, 0.1];

function pointIn(r: Rng, city: City, b: CityBuilding): XY {
  const { u0, u1, v0, v1 } = b.plan.rect;
  return city.warp.map(u0 + 0.5 + r.next() * Math.max(0, u1 - u0 - 1), v0 + 0.5 + r.next() * Math.max(0, v1 - v0 - 1));
}

const centre = (b: CityBuilding): XY => {
  const g = b.geom;
  return [(g[0][0] + g[2][0]) / 2, (g[0][1] + g[2][1]) / 2];
};

interface HotspotSpec {
  name: string;
  type: IncidentType;
  anchor: XY;
  filter: (b: CityBuilding) => boolean;
  radius: number;
  from: number;
  to: number;
  count: number;
  months?: number[];
  note: string;
}

export function planIncidents(rng: Rng, city: City, total = 20_000): { rows: IncidentRow[]; hotspots: PlantedHotspot[] } {
  const r = rng.fork('incidents');
  const rows: Omit<IncidentRow, 'id'>[] = [];
  const withHh = city.buildings.filter((b) => b.plan.households > 0);
  const bg = weightedSampler(withHh.map((b) => b.plan.households));
  const day = 86400e3;
  const d = (y: number, m: number, dd: number) => Date.UTC(y, m - 1, dd) - 8 * 3600e3;
  const specs: HotspotSpec[] = [
    {
      name: '人民路街道夜市治安热点',
      type: 'public_order',
      anchor: [2200, -700],
      filter: (b) => b.plan.use === 'mixed',
      radius: 160,
      from: PERIOD_START,
      to: PERIOD_START + PERIOD_DAYS * day,
      count: 900,
      note: 'evenings, Fri/Sat; whole period; around a street-front shop row in the old town',
    },
    {
      name: '华中路街道老旧院落充电火灾隐患',
      type: 'fire_risk',
      anchor: [-400, -900],
      filter: (b) => b.compoundId !== null && b.plan.floors <= 3,
      radius: 130,
      from: PERIOD_START,
      to: PERIOD_START + PERIOD_DAYS * day,
      count: 450,
      months: [10, 11, 0, 1, 2],
      note: 'winters only (Nov-Mar of both years), e-bike charging in old courtyards',
    },
    {
      name: '宜城路街道沿江工地环境投诉',
      type: 'environment',
      anchor: [7600, -1400],
      filter: () => true,
      radius: 220,
      from: d(2025, 3, 1),
      to: d(2025, 9, 1),
      count: 600,
      note: '2025-03-01 to 2025-08-31, construction dust and noise near the river',
    },
    {
      name: '新河路街道新建小区物业纠纷（新出现）',
      type: 'dispute',
      anchor: [8400, 2300],
      filter: (b) => b.plan.floors >= 10,
      radius: 110,
      from: d(2026, 7, 1),
      to: PERIOD_START + PERIOD_DAYS * day,
      count: 450,
      note: 'EMERGING: only from 2026-07-01 to the end (2026-10-31), property-management disputes in a new tower compound',
    },
  ];
  const hotspots: PlantedHotspot[] = [];
  let planted = 0;
  for (const s of specs) {
    const cands = city.buildings.filter(s.filter);
    let best = cands[0];
    let bd = Infinity;
    for (const b of cands) {
      const c = centre(b);
      const dd = Math.hypot(c[0] - s.anchor[0], c[1] - s.anchor[1]);
      if (dd < bd) {
        bd = dd;
        best = b;
      }
    }
    const c0 = centre(best);
    const near = city.buildings.filter((b) => {
      const c = centre(b);
      return Math.hypot(c[0] - c0[0], c[1] - c0[1]) <= s.radius;
    });
    const w = near.map((b) => {
      const c = centre(b);
      const dd = Math.hypot(c[0] - c0[0], c[1] - c0[1]);
      return Math.exp(-(dd * dd) / (2 * (s.radius / 2) ** 2));
    });
    const ns = weightedSampler(w);
    const spec = TYPES.find((t) => t.type === s.type)!;
    const extra = s.months ? (t: number) => (s.months!.includes(localParts(t + 12 * 3600e3).month) ? 1 : 0) : undefined;
    for (let k = 0; k < s.count; k++) {
      const b = near[ns(r.next())];
      rows.push({ type: s.type, t: drawTime(r, spec, s.from, s.to, extra), source: SOURCES[r.weighted(SOURCE_W)], building: b, pos: pointIn(r, city, b) });
    }
    planted += s.count;
    hotspots.push({ name: s.name, type: s.type, center: toLonLat(c0), radius_m: s.radius, from: iso8(s.from), to: iso8(s.to), count: s.count, note: s.note });
  }
  const shares = TYPES.map((t) => t.share);
  for (let k = planted; k < total; k++) {
    const spec = TYPES[r.weighted(shares)];
    const b = withHh[bg(r.next())];
    rows.push({
      type: spec.type,
      t: drawTime(r, spec, PERIOD_START, PERIOD_START + PERIOD_DAYS * day),
      source: SOURCES[r.weighted(SOURCE_W)],
      building: b,
      pos: pointIn(r, city, b),
    });
  }
  const order = rows.map((x, i) => i).sort((a, b) => rows[a].t - rows[b].t || a - b);
  return { rows: order.map((i, k) => ({ ...rows[i], id: `i${String(k + 1).padStart(6, '0')}` })), hotspots };
}
