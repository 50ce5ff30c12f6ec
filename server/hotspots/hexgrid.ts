/**
 * Hexagon tessellation over a bounding box (pure): pointy-top hexagons, odd rows shifted, of
 * circumradius `cellM` metres (x scaled by cos(latitude) so cells are regular on the ground).
 * Hexagons share exact vertex coordinates, so queen contiguity finds all six neighbours.
 */
import type { Polygon } from 'geojson';

export interface Hexagon {
  id: string;
  geometry: Polygon;
}

const M_PER_DEG_LAT = 110_574;

export function hexTessellation(bbox: readonly [number, number, number, number], cellM: number): Hexagon[] {
  const [minX, minY, maxX, maxY] = bbox;
  const midLat = (minY + maxY) / 2;
  const r = cellM / M_PER_DEG_LAT; // degrees of latitude
  const kx = 1 / Math.cos((midLat * Math.PI) / 180);
  const w = Math.sqrt(3) * r; // width in "latitude degrees"
  const x0 = minX;
  const y0 = minY;
  const cols = Math.max(1, Math.ceil((maxX - minX) / (w * kx)) + 1);
  const rows = Math.max(1, Math.ceil((maxY - minY) / (1.5 * r)) + 1);
  // Vertices on a lattice: compute each once per (col,row,k) deterministically so neighbours share them.
  const round = (v: number) => Math.round(v * 1e9) / 1e9;
  const out: Hexagon[] = [];
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      const cx = col * w + (row % 2 ? w / 2 : 0);
      const cy = row * 1.5 * r;
      const ring: number[][] = [];
      for (let k = 0; k < 6; k++) {
        // pointy-top: vertex offsets (±w/2, ±r/2) and (0, ±r) in the unscaled frame
        const dx = [w / 2, 0, -w / 2, -w / 2, 0, w / 2][k]!;
        const dy = [r / 2, r, r / 2, -r / 2, -r, -r / 2][k]!;
        ring.push([round(x0 + (cx + dx) * kx), round(y0 + cy + dy)]);
      }
      ring.push(ring[0]!);
      out.push({ id: `hex-${col}-${row}`, geometry: { type: 'Polygon', coordinates: [ring] } });
    }
  }
  return out;
}
