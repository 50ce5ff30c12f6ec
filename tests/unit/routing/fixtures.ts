/** Synthetic street networks for routing / grouping / patrol tests. */
import type { Feature, LineString } from 'geojson';

export const LON0 = 117.05;
export const LAT0 = 30.52;
/** Degrees per lattice step (about 96 m east, 111 m north). */
export const STEP = 0.001;

export function line(coords: [number, number][], props: Record<string, unknown> = {}): Feature<LineString> {
  return { type: 'Feature', properties: props, geometry: { type: 'LineString', coordinates: coords } };
}

export const lat = (r: number) => LAT0 + r * STEP;
export const lon = (c: number) => LON0 + c * STEP;

/** A full w×h lattice: one line per row and one per column (they share vertices at crossings). */
export function latticeStreets(w: number, h: number): Feature<LineString>[] {
  const out: Feature<LineString>[] = [];
  for (let r = 0; r < h; r++)
    out.push(
      line(
        Array.from({ length: w }, (_, c) => [lon(c), lat(r)] as [number, number]),
        { id: `r${r}` },
      ),
    );
  for (let c = 0; c < w; c++)
    out.push(
      line(
        Array.from({ length: h }, (_, r) => [lon(c), lat(r)] as [number, number]),
        { id: `c${c}` },
      ),
    );
  return out;
}

/** Deterministic PRNG for fixtures. */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}
