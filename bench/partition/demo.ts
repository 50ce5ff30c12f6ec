/**
 * The demo district (`npm run generate-demo -- --no-db` → .data/demo/) as partition cases: one case
 * per sub-district, exactly as the app partitions it (server/partition/service.ts runs one
 * sub-district at a time), with barriers = streets + water outlines around that sub-district.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Feature, FeatureCollection, Geometry, LineString, MultiLineString } from 'geojson';

export interface DemoCase {
  subdistrict: string;
  units: FeatureCollection;
  barriers: FeatureCollection<LineString | MultiLineString>;
}

const bboxOf = (g: Geometry, b: number[]) => {
  const visit = (c: unknown): void => {
    if (typeof (c as number[])[0] === 'number') {
      const [x, y] = c as number[];
      if (x < b[0]) b[0] = x;
      if (y < b[1]) b[1] = y;
      if (x > b[2]) b[2] = x;
      if (y > b[3]) b[3] = y;
    } else for (const d of c as unknown[]) visit(d);
  };
  visit((g as { coordinates: unknown }).coordinates);
  return b;
};

/** Water polygons → outline lines of class water. */
export function waterOutlines(fc: FeatureCollection): Feature<MultiLineString>[] {
  const out: Feature<MultiLineString>[] = [];
  for (const f of fc.features) {
    const g = f.geometry;
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
    const lines = polys.flat();
    if (lines.length)
      out.push({ type: 'Feature', properties: { class: 'water', id: f.properties?.id ?? null }, geometry: { type: 'MultiLineString', coordinates: lines } });
  }
  return out;
}

export function demoAvailable(dir = '.data/demo'): boolean {
  return existsSync(join(dir, 'units.geojson'));
}

/** One case per sub-district (sorted by id); barriers clipped by bbox (+0.002°) like the app does. */
export function demoCases(dir = '.data/demo', only?: string[]): DemoCase[] {
  const units = JSON.parse(readFileSync(join(dir, 'units.geojson'), 'utf8')) as FeatureCollection;
  const streets = existsSync(join(dir, 'streets.geojson'))
    ? (JSON.parse(readFileSync(join(dir, 'streets.geojson'), 'utf8')) as FeatureCollection)
    : ({ type: 'FeatureCollection', features: [] } as FeatureCollection);
  const water = existsSync(join(dir, 'water.geojson'))
    ? (JSON.parse(readFileSync(join(dir, 'water.geojson'), 'utf8')) as FeatureCollection)
    : ({ type: 'FeatureCollection', features: [] } as FeatureCollection);
  const lines = [
    ...streets.features
      .filter((f) => f.geometry.type === 'LineString' || f.geometry.type === 'MultiLineString')
      .map((f) => ({ ...f, properties: { class: f.properties?.class, id: f.properties?.id } })),
    ...waterOutlines(water),
  ] as Feature<LineString | MultiLineString>[];
  const lineBox = lines.map((f) => bboxOf(f.geometry, [Infinity, Infinity, -Infinity, -Infinity]));
  const bySd = new Map<string, Feature[]>();
  for (const f of units.features) {
    const sd = String(f.properties?.subdistrict_id ?? f.properties?.subdistrict ?? '');
    let a = bySd.get(sd);
    if (!a) bySd.set(sd, (a = []));
    a.push(f);
  }
  const out: DemoCase[] = [];
  for (const sd of [...bySd.keys()].sort()) {
    if (only && !only.includes(sd)) continue;
    const fs = bySd.get(sd)!;
    const b = [Infinity, Infinity, -Infinity, -Infinity];
    for (const f of fs) bboxOf(f.geometry, b);
    const e = 0.002;
    const keep = lines.filter((_, i) => lineBox[i][0] <= b[2] + e && lineBox[i][2] >= b[0] - e && lineBox[i][1] <= b[3] + e && lineBox[i][3] >= b[1] - e);
    out.push({ subdistrict: sd, units: { type: 'FeatureCollection', features: fs }, barriers: { type: 'FeatureCollection', features: keep } });
  }
  return out;
}
