import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Position } from 'geojson';
import { isShopLike } from './classify';
import { ParseFailure } from '../../common/gis-files/parse-errors';
import type { ParseResult, Problem, RawFeature } from '../../common/gis-files/feature-types';

interface OsmTag {
  k: string;
  v: string;
}
interface OsmNode {
  id: string;
  lat: string;
  lon: string;
  tag?: OsmTag[];
}
interface OsmWay {
  id: string;
  nd?: Array<{ ref: string }>;
  tag?: OsmTag[];
}

const ARRAYS = new Set(['node', 'way', 'nd', 'tag', 'relation', 'member']);
const RAIL = new Set(['rail', 'light_rail', 'tram', 'narrow_gauge']);

function tagsOf(el: { tag?: OsmTag[] }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of el.tag ?? []) out[String(t.k)] = String(t.v);
  return out;
}

/**
 * Parses OpenStreetMap XML (.osm). Ways tagged highway=* (and railway=rail/light_rail/tram) become
 * street lines, closed ways tagged building=* become building polygons, nodes tagged shop=* (or a
 * shop-like amenity) become shops. Relations are skipped (multipolygon buildings are rare in the
 * street-level extracts this is for). Pure.
 */
export function parseOsm(text: string): ParseResult {
  if (text.trim() === '') throw new ParseFailure('empty file');
  // No DTDs: a DOCTYPE can declare external entities (XXE: local files, URLs) or entity expansion
  // bombs. OSM files never need one; refuse before any parser reads the document.
  const dtd = /<!(DOCTYPE|ENTITY)\b/i.exec(text);
  if (dtd) {
    const line = text.slice(0, dtd.index).split('\n').length;
    throw new ParseFailure(`XML with a <!${dtd[1].toUpperCase()}> declaration is refused (DTDs and entities are never read)`, `line ${line}`);
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new ParseFailure(`malformed XML at line ${valid.err.line} column ${valid.err.col}: ${valid.err.msg}`);
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    processEntities: false,
    isArray: (name) => ARRAYS.has(name),
  });
  const doc = parser.parse(text) as { osm?: { node?: OsmNode[]; way?: OsmWay[]; relation?: unknown[] } };
  if (!doc.osm) throw new ParseFailure('not OSM XML: no <osm> root element');
  const nodes = doc.osm.node ?? [];
  const ways = doc.osm.way ?? [];
  if (nodes.length === 0 && ways.length === 0) throw new ParseFailure('empty file: no nodes or ways');

  const features: RawFeature[] = [];
  const problems: Problem[] = [];
  const skipped: Record<string, number> = {};
  const skip = (reason: string) => (skipped[reason] = (skipped[reason] ?? 0) + 1);

  const pos = new Map<string, Position>();
  for (const n of nodes) {
    const lon = Number(n.lon);
    const lat = Number(n.lat);
    if (n.lon === undefined || n.lat === undefined || !Number.isFinite(lon) || !Number.isFinite(lat)) {
      throw new ParseFailure(`lat/lon missing or not a number (lat=${n.lat}, lon=${n.lon})`, `node ${n.id}`);
    }
    pos.set(String(n.id), [lon, lat]);
    const tags = tagsOf(n);
    if (tags.shop || isShopLike(tags.amenity) || isShopLike(tags.tourism)) {
      features.push({
        ref: `node ${n.id}`,
        sourceId: `n${n.id}`,
        geometry: { type: 'Point', coordinates: [lon, lat] },
        properties: { ...tags, osm_type: 'node' },
        layer: 'shops',
      });
    }
  }

  for (const w of ways) {
    const tags = tagsOf(w);
    const ref = `way ${w.id}`;
    const isBuilding = tags.building !== undefined && tags.building !== 'no';
    const isStreet = tags.highway !== undefined || RAIL.has(tags.railway ?? '');
    if (!isBuilding && !isStreet) {
      skip('way without highway/building tag');
      continue;
    }
    const refs = (w.nd ?? []).map((nd) => String(nd.ref));
    const coords = refs.map((r) => pos.get(r)).filter((p): p is Position => p !== undefined);
    const missing = refs.length - coords.length;
    const props = { ...tags, osm_type: 'way' };
    if (isBuilding) {
      const closed = refs.length >= 4 && refs[0] === refs[refs.length - 1];
      if (!closed) {
        problems.push({ feature: ref, problem: 'building way is not closed' });
        continue;
      }
      if (missing > 0) {
        problems.push({ feature: ref, problem: `references ${missing} node(s) missing from the file` });
        continue;
      }
      features.push({ ref, sourceId: `w${w.id}`, geometry: { type: 'Polygon', coordinates: [coords] }, properties: props, layer: 'buildings' });
    } else {
      if (coords.length < 2) {
        problems.push({ feature: ref, problem: `fewer than 2 of its nodes are in the file (${missing} missing)` });
        continue;
      }
      features.push({ ref, sourceId: `w${w.id}`, geometry: { type: 'LineString', coordinates: coords }, properties: props, layer: 'streets' });
    }
  }
  const rel = doc.osm.relation?.length ?? 0;
  if (rel > 0) skipped['relation (not imported)'] = rel;
  if (features.length === 0 && problems.length === 0) {
    throw new ParseFailure('no importable features: no highway=*, building=* or shop ways/nodes');
  }
  return { format: 'osm', features, problems, skipped };
}
