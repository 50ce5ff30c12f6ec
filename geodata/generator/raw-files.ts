/**
 * The demo district as the raw files a real district brings (the `partition-district` contract and
 * the import view): boundaries (sub-districts and communities with level/code/name), street centre
 * lines as ogr2ogr writes OpenStreetMap (highway, name, other_tags; railways and water edges in
 * other_tags / waterway), building footprints (building number, compound name, floors) and the
 * household register CSV (楼栋编号,小区,经度,纬度,户数: one row per residential building). No
 * units, blocks or grids: those are what the real path derives. Pure (no I/O); every file says it
 * is synthetic.
 */
import type { Feature, FeatureCollection, LineString, MultiPolygon, Polygon, Position } from 'geojson';
import gcoord from 'gcoord';
import type { DemoDistrict, StreetProps } from './types';

export type RegisterDatum = 'wgs84' | 'gcj02';

export interface RawDistrictFiles {
  boundaries: FeatureCollection<MultiPolygon>;
  streets: FeatureCollection<LineString>;
  buildings: FeatureCollection<Polygon>;
  /** CSV text, UTF-8 with BOM, CRLF (as Excel writes it) */
  register: string;
  /** rows and households in the register */
  registerRows: number;
  registerHouseholds: number;
}

/** Street class of the demo → OSM highway (the tags a planner's OSM extract carries). */
const HIGHWAY: Record<Exclude<StreetProps['class'], 'rail'>, string> = {
  arterial: 'primary',
  secondary: 'secondary',
  local: 'residential',
  lane: 'service',
  path: 'footway',
};

/** Interior point of a ring's bounding box centre nudged onto the polygon: the building's centroid is inside for the demo's rectangles. */
function centroid(ring: Position[]): Position {
  let x = 0,
    y = 0;
  const n = ring.length - 1;
  for (let i = 0; i < n; i++) {
    x += ring[i][0];
    y += ring[i][1];
  }
  return [x / n, y / n];
}

const csvCell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The district the demo's sub-districts belong to (the boundaries' `district`: the app's title reads it). */
export const DEMO_DISTRICT_NAME = '迎江区';

export function rawDistrictFiles(demo: DemoDistrict, opts: { datum?: RegisterDatum } = {}): RawDistrictFiles {
  const boundaries: FeatureCollection<MultiPolygon> = {
    type: 'FeatureCollection',
    features: [
      ...demo.subdistricts.features.map((f): Feature<MultiPolygon> => ({
        type: 'Feature',
        properties: {
          level: 'subdistrict',
          code: f.properties.id,
          name: f.properties.name,
          name_en: f.properties.name_en,
          district: DEMO_DISTRICT_NAME,
          synthetic: true,
        },
        geometry: f.geometry,
      })),
      ...demo.communities.features.map((f): Feature<MultiPolygon> => ({
        type: 'Feature',
        properties: { level: 'community', code: f.properties.id, name: f.properties.name, synthetic: true },
        geometry: f.geometry,
      })),
    ],
  };
  const streets: Array<Feature<LineString>> = demo.streets.features.map((f) => {
    const cls = f.properties.class;
    return {
      type: 'Feature',
      properties:
        cls === 'rail'
          ? { osm_id: f.properties.id, name: f.properties.name, highway: null, other_tags: '"railway"=>"rail"', synthetic: true }
          : { osm_id: f.properties.id, name: f.properties.name, highway: HIGHWAY[cls], other_tags: null, synthetic: true },
      geometry: f.geometry,
    };
  });
  // rivers and lakes: their shore lines divide land like a river does (the contract has no water file)
  for (const w of demo.water.features) {
    for (const poly of w.geometry.coordinates) {
      streets.push({
        type: 'Feature',
        properties: {
          osm_id: `${w.properties.id}-shore`,
          name: w.properties.name,
          highway: null,
          waterway: w.properties.kind === 'canal' ? 'canal' : 'river',
          other_tags: null,
          synthetic: true,
        },
        geometry: { type: 'LineString', coordinates: poly[0] },
      });
    }
  }
  const compoundName = new Map(demo.compounds.features.map((c) => [c.properties.id, c.properties.name]));
  const numberInCompound = new Map<string, number>();
  const label = new Map<string, string>();
  const buildings: Array<Feature<Polygon>> = demo.buildings.features.map((f) => {
    const p = f.properties;
    const key = p.compound_id ?? p.block_id;
    const k = (numberInCompound.get(key) ?? 0) + 1;
    numberInCompound.set(key, k);
    label.set(p.id, `${k}栋`);
    return {
      type: 'Feature',
      properties: {
        id: p.id,
        楼栋号: `${k}栋`,
        小区: p.compound_id ? (compoundName.get(p.compound_id) ?? '') : '',
        floors: p.floors,
        use: p.use,
        synthetic: true,
      },
      geometry: f.geometry,
    };
  });
  const lines = ['楼栋编号,小区,经度,纬度,户数'];
  let households = 0;
  for (const f of demo.buildings.features) {
    const p = f.properties;
    if (p.households <= 0) continue;
    let pt = centroid(f.geometry.coordinates[0]);
    if (opts.datum === 'gcj02') pt = gcoord.transform(pt as [number, number], gcoord.WGS84, gcoord.GCJ02) as Position;
    const compound = p.compound_id ? (compoundName.get(p.compound_id) ?? '') : '';
    lines.push([p.id, csvCell(compound), pt[0].toFixed(7), pt[1].toFixed(7), String(p.households)].join(','));
    households += p.households;
  }
  return {
    boundaries,
    streets: { type: 'FeatureCollection', features: streets },
    buildings: { type: 'FeatureCollection', features: buildings },
    register: '\uFEFF' + lines.join('\r\n') + '\r\n',
    registerRows: lines.length - 1,
    registerHouseholds: households,
  };
}
