/** GPX 1.1 export of a patrol route (a LineString feature). */
import type { Feature, LineString } from 'geojson';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function toGpx(route: Feature<LineString>, opts: { name?: string } = {}): string {
  const name = opts.name ?? String(route.properties?.name ?? 'patrol route');
  const pts = route.geometry.coordinates.map(([lon, lat]) => `      <trkpt lat="${lat.toFixed(7)}" lon="${lon.toFixed(7)}"></trkpt>`).join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<gpx version="1.1" creator="wangge" xmlns="http://www.topografix.com/GPX/1/1">',
    `  <trk>`,
    `    <name>${esc(name)}</name>`,
    '    <trkseg>',
    pts,
    '    </trkseg>',
    '  </trk>',
    '</gpx>',
    '',
  ].join('\n');
}
