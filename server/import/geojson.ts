import type { Geometry } from 'geojson';
import { ParseFailure } from '../../common/gis-files/parse-errors';
import type { ParseResult, Problem, RawFeature } from '../../common/gis-files/feature-types';
import { jsonDepthOver, MAX_PROPERTIES_DEPTH, nestingProblem } from './validate';

const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']);

/** "line 3 column 14" for a character offset, used in malformed-JSON messages. */
function lineColumn(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `line ${line} column ${column}`;
}

/** Character offset of a JSON.parse error (V8 says "at position N", or quotes the text around it). */
export function jsonErrorPosition(text: string, message: string): number | null {
  const at = /at position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  if (/Unexpected end of JSON input/.test(message)) return text.length;
  const m = /^Unexpected token '([\s\S]+?)', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/.exec(message);
  if (!m) return null;
  const idx = text.indexOf(m[3]);
  if (idx < 0) return null;
  return m[2] ? idx + 10 : idx + Math.max(0, m[3].indexOf(m[1]));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const pos = jsonErrorPosition(text, msg);
    const where = pos === null ? '' : ` at ${lineColumn(text, pos)}`;
    const what = msg.replace(/ in JSON at position \d+.*$/s, '').replace(/, (\.\.\.)?"[\s\S]*"(\.\.\.)? is not valid JSON$/, '');
    throw new ParseFailure(`malformed JSON${where}: ${what}`);
  }
}

function describe(i: number, id: unknown): string {
  return id === undefined || id === null || id === '' ? `feature ${i}` : `feature ${i} (id ${String(id)})`;
}

/**
 * Parses GeoJSON text: a FeatureCollection, a single Feature, a bare geometry, or a JSON array of
 * Features (the Aliyun DataV format). Pure: returns features and per-feature problems; throws a
 * ParseFailure for a file that is not GeoJSON at all.
 */
export function parseGeoJson(text: string): ParseResult {
  if (text.trim() === '') throw new ParseFailure('empty file');
  const doc = parseJson(text) as Record<string, unknown> | unknown[] | null;
  let items: unknown[];
  if (Array.isArray(doc)) items = doc;
  else if (doc && typeof doc === 'object' && doc.type === 'FeatureCollection') {
    if (!Array.isArray(doc.features)) throw new ParseFailure('FeatureCollection without a "features" array');
    items = doc.features;
  } else if (doc && typeof doc === 'object' && doc.type === 'Feature') items = [doc];
  else if (doc && typeof doc === 'object' && GEOMETRY_TYPES.has(String(doc.type))) {
    items = [{ type: 'Feature', geometry: doc, properties: {} }];
  } else {
    throw new ParseFailure('not GeoJSON: expected a FeatureCollection, a Feature, a geometry or an array of Features');
  }
  if (items.length === 0) throw new ParseFailure('empty file: no features');

  const features: RawFeature[] = [];
  const problems: Problem[] = [];
  items.forEach((item, i) => {
    const f = item as { type?: unknown; id?: unknown; geometry?: unknown; properties?: unknown };
    const props = (f && typeof f.properties === 'object' && f.properties ? f.properties : {}) as Record<string, unknown>;
    const id = f?.id ?? props.id ?? props.osm_id;
    const ref = describe(i, id);
    if (!f || typeof f !== 'object' || f.type !== 'Feature') {
      throw new ParseFailure('not a GeoJSON Feature', ref);
    }
    const g = f.geometry as { type?: unknown; coordinates?: unknown; geometries?: unknown } | null;
    if (!g) {
      problems.push({ feature: ref, problem: 'no geometry' });
      return;
    }
    if (!GEOMETRY_TYPES.has(String(g.type))) throw new ParseFailure(`unknown geometry type ${String(g.type)}`, ref);
    if (g.type !== 'GeometryCollection' && !Array.isArray(g.coordinates)) {
      throw new ParseFailure(`${String(g.type)} without a coordinates array`, ref);
    }
    // before anything recurses over it (coordinate checks, datum conversion, JSON for the database)
    const nested = nestingProblem(g);
    if (nested) throw new ParseFailure(nested, ref);
    if (jsonDepthOver(props, MAX_PROPERTIES_DEPTH)) throw new ParseFailure(`properties nested more than ${MAX_PROPERTIES_DEPTH} deep`, ref);
    features.push({
      ref,
      sourceId: id === undefined || id === null || id === '' ? undefined : String(id),
      geometry: g as Geometry,
      properties: props,
    });
  });
  return { format: 'geojson', features, problems, skipped: {} };
}
