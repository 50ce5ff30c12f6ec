import type { Feature, GeoJsonProperties, LineString, MultiLineString, Position } from 'geojson';
import { healLinesWithStats } from '../algorithms/routing';
import { buildNetwork, componentSummary } from '../algorithms/routing';
import type { StreetClass } from './classify';
import type { StreetPiece } from './rows';
import type { HealReport } from '../../common/http/imports';

export interface StreetLine {
  id: string;
  ref: string;
  name: string | null;
  class: StreetClass;
  oneway: boolean;
  /** false for tunnels and elevated roads: they do not divide land */
  divides: boolean;
  geometry: LineString;
}

/** How the street lines were healed (the import report's `heal`). */
export type HealStats = HealReport;

/** Index of the vertex of `coords` nearest to p (planar, in degrees: only used to compare). */
function nearestIndex(coords: Position[], p: Position): number {
  let best = 0;
  let bestD = Infinity;
  coords.forEach((c, i) => {
    const d = (c[0] - p[0]) ** 2 + (c[1] - p[1]) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

/**
 * Heals street pieces with the routing module's healLines (snaps ends within toleranceM, nodes
 * lines at shared vertices, joins pieces cut at tile edges). Pieces join only with pieces of the
 * same source way (OSM/Tilezen id) or, without ids, of the same class, name and direction, so every
 * healed line keeps its street's attributes; one-way lines keep their direction. Pure.
 */
export function healStreets(prefix: string, pieces: StreetPiece[], toleranceM = 1): { lines: StreetLine[]; stats: HealStats } {
  let partCount = 0;
  const input: Feature<LineString | MultiLineString>[] = pieces.map((p, i) => {
    partCount += p.geometry.type === 'LineString' ? 1 : p.geometry.coordinates.length;
    return { type: 'Feature', properties: { piece: i }, geometry: p.geometry };
  });
  const key = (props: GeoJsonProperties): string => {
    const p = pieces[Number(props?.piece)];
    return p.sourceId !== undefined ? `id:${p.sourceId}` : `${p.class}\u0000${p.name ?? ''}\u0000${p.oneway}\u0000${p.divides ?? true}`;
  };
  const { lines: healed, stats: hs } = healLinesWithStats(input, { toleranceM, joinKey: key });
  const lines: StreetLine[] = [];
  for (const h of healed) {
    if (!h.geometry || h.geometry.coordinates.length < 2) continue;
    const src = pieces[Number(h.properties?.piece)];
    let coords = h.geometry.coordinates;
    if (src.oneway) {
      const s = src.geometry.type === 'LineString' ? src.geometry.coordinates : src.geometry.coordinates[0];
      if (nearestIndex(coords, s[0]) > nearestIndex(coords, s[s.length - 1])) coords = [...coords].reverse();
    }
    lines.push({
      id: `${prefix}:s${lines.length + 1}`,
      ref: src.ref,
      name: src.name,
      class: src.class,
      oneway: src.oneway,
      divides: src.divides ?? true,
      geometry: { type: 'LineString', coordinates: coords },
    });
  }
  return {
    lines,
    stats: {
      pieces: partCount,
      lines: lines.length,
      joins: hs.joins,
      tJunctions: hs.tJunctions,
      snappedVertices: hs.snappedVertices,
      ...componentStats(lines),
    },
  };
}

/** Components of a line network (joined where lines share a vertex) and the largest one's length share. */
export function componentStats(lines: Array<{ geometry: LineString }>): { components: number; largestComponentShare: number } {
  if (lines.length === 0) return { components: 0, largestComponentShare: 0 };
  const net = buildNetwork(lines.map((l) => ({ type: 'Feature', properties: {}, geometry: l.geometry })));
  const s = componentSummary(net);
  return { components: s.count, largestComponentShare: s.largestShareOfLength };
}
