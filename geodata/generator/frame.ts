/**
 * The physical frame of the synthetic district: the real outline (WGS84, converted from GCJ-02),
 * the Yangtze's north channel as a band between the north bank and 新洲 island, two lakes and the
 * 新河 canal, and the resulting land regions. Mainland = outline minus the island zone (it keeps
 * the channel's water); island = outline within the island zone. Synthetic, approximate.
 */
import { YINGJIANG_OUTLINE_WGS84 } from './outline-data';
import { toXY, type XY } from './proj';
import { mDifference, mIntersect, mUnion, wobblyEllipse, type MPoly, type Ring } from './clip';
import type { Rng } from '../../common/rng';
import { emitRing, LineRegistry, type Warp } from './lattice';

export interface WaterBody {
  id: string;
  name: string;
  kind: 'river' | 'lake' | 'canal';
  geom: MPoly;
}

export interface Frame {
  outline: MPoly;
  mainland: MPoly; // outline minus island zone (includes the channel water)
  island: MPoly; // 新洲乡
  water: WaterBody[];
  waterAll: MPoly;
  landMain: MPoly;
  landIsland: MPoly;
  /** Water that streets may cross on bridges (the canal). */
  canal: MPoly;
  /** Lattice u of the canal centre line and its v extent. */
  canalLine: { u: number; v0: number; v1: number };
}

const km = (pts: Array<[number, number]>): XY[] => pts.map(([x, y]) => [x * 1000, y * 1000]);

const NORTH_BANK = km([
  [-3, -1.75],
  [-1, -1.62],
  [1, -1.52],
  [3, -1.56],
  [5, -1.66],
  [7, -1.86],
  [9, -2.0],
  [11, -1.6],
  [13, -0.4],
  [14.8, 1.6],
  [16.3, 4.0],
  [17.5, 6.6],
  [19.5, 8.2],
]);
const SOUTH_BANK = km([
  [-3, -4.5],
  [6, -4.2],
  [8.5, -3.05],
  [10.5, -2.7],
  [12.8, -1.6],
  [14.6, 0.3],
  [16, 2.6],
  [17.2, 5.0],
  [18.3, 6.8],
  [20, 7.4],
]);

export const CANAL_U = 4050;

export function buildFrame(rng: Rng, warp: Warp): Frame {
  const outline: MPoly = YINGJIANG_OUTLINE_WGS84.map((poly) => poly.map((ring) => ring.map(([lon, lat]) => toXY(lon, lat))));
  const islandZone: MPoly = [[[...SOUTH_BANK, [25000, 7400], [25000, -10000], [-3000, -10000], SOUTH_BANK[0]]]];
  const band: MPoly = [[[...NORTH_BANK, ...[...SOUTH_BANK].reverse(), NORTH_BANK[0]]]];
  const mainland = mDifference(outline, islandZone);
  const island = mIntersect(outline, islandZone);
  const river = mIntersect(band, mainland);

  const wob = (r: Rng) => {
    const ph = r.range(0, 6.28);
    const ph2 = r.range(0, 6.28);
    return (i: number) => 0.08 * Math.sin(i * 0.45 + ph) + 0.05 * Math.sin(i * 1.3 + ph2);
  };
  const lingHu: Ring = wobblyEllipse([1150, -250], 260, 170, 0.2, wob(rng.fork('linghu')));
  const poGang: Ring = wobblyEllipse([12600, 8200], 1900, 950, 0.55, wob(rng.fork('pogang')), 56);
  const lakes1 = mIntersect([[lingHu]], mainland);
  const lakes2 = mIntersect([[poGang]], mainland);

  // 新河 canal: a 24 m band along lattice line u = CANAL_U from the river up to the district edge
  const canalLine = { u: CANAL_U, v0: -2400, v1: 2400 };
  const canalRing = emitRing(
    [
      [CANAL_U - 12, canalLine.v0],
      [CANAL_U + 12, canalLine.v0],
      [CANAL_U + 12, canalLine.v1],
      [CANAL_U - 12, canalLine.v1],
    ],
    emptyRegistry,
    warp,
  );
  const canal = mDifference(mIntersect([[canalRing]], mainland), mUnion([river, lakes1]));

  const water: WaterBody[] = [
    { id: 'w001', name: '长江', kind: 'river', geom: river },
    { id: 'w002', name: '菱湖', kind: 'lake', geom: lakes1 },
    { id: 'w003', name: '破罡湖', kind: 'lake', geom: lakes2 },
    { id: 'w004', name: '新河', kind: 'canal', geom: canal },
  ].filter((w) => w.geom.length > 0) as WaterBody[];
  const waterAll = mUnion(water.map((w) => w.geom));
  return {
    outline,
    mainland,
    island,
    water,
    waterAll,
    landMain: mDifference(mainland, waterAll),
    landIsland: mDifference(island, waterAll),
    canal,
    canalLine,
  };
}

const emptyRegistry = (() => {
  const r = new LineRegistry();
  r.freeze();
  return r;
})();
