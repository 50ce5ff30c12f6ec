/**
 * What a line of a street file does to land, from OSM tags as ogr2ogr writes them (`highway`,
 * `railway`, `waterway`, and the rest in the hstore text `other_tags`), Tilezen `kind` /
 * `kind_detail` / `is_tunnel` / `is_bridge`, or a plain `class` field. Pure, no I/O.
 *
 * - major (grid edges): motorway, trunk, primary, secondary, tertiary and their links;
 * - minor: residential, unclassified, living_street, road;
 * - rail: rail, light_rail, narrow_gauge on the surface; water: waterway=river|canal;
 * - do not divide land: tunnels (tunnel=*, covered=yes, layer < 0), elevated roads (a bridge on a
 *   motorway/trunk or with layer >= 2: the ground below stays one piece and its own streets are
 *   mapped), service roads (driveways and parking aisles inside compounds), footways, paths,
 *   cycleways, steps, pedestrian streets, tracks, subways, trams, ferries, power lines, walls.
 *   A plain bridge (layer 1 or none, e.g. over a canal) divides land like the street it carries.
 */
import type { LineRole } from './types';

/** Parses ogr2ogr's `other_tags` hstore text: `"bridge"=>"yes","layer"=>"1"`. */
export function parseOtherTags(s: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof s !== 'string') return out;
  const re = /"((?:[^"\\]|\\.)*)"\s*=>\s*"((?:[^"\\]|\\.)*)"/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) out[m[1].replace(/\\(.)/g, '$1')] = m[2].replace(/\\(.)/g, '$1');
  return out;
}

const MAJOR = new Set([
  'motorway',
  'trunk',
  'primary',
  'secondary',
  'tertiary',
  'motorway_link',
  'trunk_link',
  'primary_link',
  'secondary_link',
  'tertiary_link',
]);
const MINOR = new Set(['residential', 'unclassified', 'living_street', 'road']);
const ELEVATED_HIGHWAY = new Set(['motorway', 'trunk', 'motorway_link', 'trunk_link']);
const RAIL = new Set(['rail', 'light_rail', 'narrow_gauge']);
const WATER = new Set(['river', 'canal']);
const CLASS: Record<string, LineRole> = { arterial: 'major', secondary: 'major', major: 'major', local: 'minor', minor: 'minor', rail: 'rail', water: 'water' };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const yes = (v: unknown) => v === true || (typeof v === 'string' && v !== '' && v !== 'no' && v !== 'false' && v !== '0');

export type LineRoleResult = { role: LineRole } | { skip: string };

export function lineRole(properties: Record<string, unknown>): LineRoleResult {
  const p: Record<string, unknown> = { ...parseOtherTags(properties.other_tags) };
  for (const [k, v] of Object.entries(properties)) if (v !== null && v !== undefined && v !== '') p[k] = v;
  // Tilezen: kind_detail is the OSM highway / railway value
  let highway = str(p.highway),
    railway = str(p.railway);
  const waterway = str(p.waterway);
  const kind = str(p.kind),
    detail = str(p.kind_detail);
  if (!highway && !railway && kind && detail) {
    if (kind === 'rail') railway = detail;
    else if (['highway', 'major_road', 'minor_road', 'path'].includes(kind)) highway = detail;
  }
  const layer = Number(str(p.layer) ?? 0);
  if (yes(p.tunnel) || yes(p.is_tunnel) || p.covered === 'yes' || layer < 0) return { skip: 'tunnel' };
  const bridge = yes(p.bridge) || yes(p.is_bridge);
  if (highway) {
    const role: LineRole | null = MAJOR.has(highway) ? 'major' : MINOR.has(highway) ? 'minor' : null;
    if (!role) return { skip: `highway=${highway}` };
    if (bridge && (layer >= 2 || ELEVATED_HIGHWAY.has(highway))) return { skip: 'elevated' };
    return { role };
  }
  if (railway) {
    if (!RAIL.has(railway)) return { skip: `railway=${railway}` };
    if (bridge && layer >= 2) return { skip: 'elevated' };
    return { role: 'rail' };
  }
  if (waterway) return WATER.has(waterway) ? { role: 'water' } : { skip: `waterway=${waterway}` };
  const cls = str(p.class);
  if (cls && CLASS[cls]) return { role: CLASS[cls] };
  return { skip: 'not a street' };
}

const WATER_AREA_NATURAL = new Set(['water', 'bay', 'strait', 'wetland']);
const WATER_AREA_WATERWAY = new Set(['riverbank', 'dock', 'canal', 'river']);
const WATER_AREA_LANDUSE = new Set(['reservoir', 'basin']);

/**
 * Whether an area feature is water (its inside is no land, its shore divides land): OSM
 * natural=water|bay|strait|wetland, waterway=riverbank|dock, landuse=reservoir|basin, a `water`
 * tag, Tilezen kind water/lake/river/ocean/riverbank/basin/reservoir, or class water. Tunnels and
 * covered water are not.
 */
export function isWaterArea(properties: Record<string, unknown>): boolean {
  const p: Record<string, unknown> = { ...parseOtherTags(properties.other_tags) };
  for (const [k, v] of Object.entries(properties)) if (v !== null && v !== undefined && v !== '') p[k] = v;
  if (yes(p.tunnel) || p.covered === 'yes') return false;
  const natural = str(p.natural),
    waterway = str(p.waterway),
    landuse = str(p.landuse),
    kind = str(p.kind),
    cls = str(p.class);
  return (
    (natural !== undefined && WATER_AREA_NATURAL.has(natural)) ||
    (waterway !== undefined && WATER_AREA_WATERWAY.has(waterway)) ||
    (landuse !== undefined && WATER_AREA_LANDUSE.has(landuse)) ||
    str(p.water) !== undefined ||
    (kind !== undefined && ['water', 'lake', 'river', 'ocean', 'riverbank', 'basin', 'reservoir'].includes(kind)) ||
    cls === 'water'
  );
}
