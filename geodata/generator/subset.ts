/**
 * A demo district cut down to some of its sub-districts: every layer's features of those
 * sub-districts (personal households by their building), the streets and water that reach their
 * outline's bounding box. The raw path then runs on it exactly as on the whole demo (a test of
 * that path on one or two sub-districts instead of eight). Pure, no I/O.
 */
import type { Feature, Geometry } from 'geojson';
import type { DemoDistrict } from './types';

type Box = [number, number, number, number];

function boxOf(g: Geometry, into: Box = [Infinity, Infinity, -Infinity, -Infinity]): Box {
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      into[0] = Math.min(into[0], c[0] as number);
      into[1] = Math.min(into[1], c[1] as number);
      into[2] = Math.max(into[2], c[0] as number);
      into[3] = Math.max(into[3], c[1] as number);
    } else if (Array.isArray(c)) for (const x of c) walk(x);
  };
  if (g.type !== 'GeometryCollection') walk(g.coordinates);
  return into;
}

const meets = (a: Box, b: Box) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];

export function demoSubset(demo: DemoDistrict, subdistricts: string[]): DemoDistrict {
  const keep = new Set(subdistricts);
  for (const id of keep) if (!demo.subdistricts.features.some((f) => f.properties.id === id)) throw new Error(`demoSubset: no sub-district ${id}`);
  const box: Box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of demo.subdistricts.features) if (keep.has(f.properties.id)) boxOf(f.geometry, box);
  const pad = 0.002;
  const area: Box = [box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad];
  const bySub = <T extends Feature>(fc: { type: 'FeatureCollection'; features: T[] }) => ({
    ...fc,
    features: fc.features.filter((f) => keep.has((f.properties as { subdistrict_id: string }).subdistrict_id)),
  });
  const near = <T extends Feature>(fc: { type: 'FeatureCollection'; features: T[] }) => ({
    ...fc,
    features: fc.features.filter((f) => meets(boxOf(f.geometry), area)),
  });
  const buildings = bySub(demo.buildings);
  const kept = new Set(buildings.features.map((f) => f.properties.id));
  return {
    ...demo,
    subdistricts: { ...demo.subdistricts, features: demo.subdistricts.features.filter((f) => keep.has(f.properties.id)) },
    communities: bySub(demo.communities),
    streets: near(demo.streets),
    water: near(demo.water),
    blocks: bySub(demo.blocks),
    compounds: bySub(demo.compounds),
    buildings,
    units: bySub(demo.units),
    shops: bySub(demo.shops),
    households: { ...demo.households, features: demo.households.features.filter((f) => kept.has(f.properties.building_id)) },
    incidents: bySub(demo.incidents),
    cases: bySub(demo.cases),
  };
}
