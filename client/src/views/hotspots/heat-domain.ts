/**
 * CPU estimate of the heat map's peak density (pure, no DOM): what deck.gl's HeatmapLayer would
 * otherwise find with a GPU max-reduction pass over its whole weights texture (textureSize² point
 * draws per redraw, the costliest pass under software WebGL).
 *
 * deck.gl's weights pass adds, for every point, K(d / r) with r = radiusPixels (screen pixels),
 * K(u) = exp(-u² / 0.05555) / (1.77245385 · 0.166666) for u ≤ 1 — a Gaussian with σ = r / 6.
 * Here the visible points are binned on a grid of σ/2 pixel cells (typed arrays), the grid is
 * blurred with the same Gaussian (separable, truncated at 3σ) and the largest cell is the peak.
 * Binning moves a point by at most σ/4·√2 from its cell centre, so a lone point's peak is at most
 * ~6 % low (less for clusters); with coarser cells on very large grids, more.
 */

/** Web-Mercator world pixels at zoom 0 for a 512-pixel tile (MapLibre and deck.gl agree). */
const WORLD = 512;
const KDE_NORM = 1 / (1.77245385 * 0.166666);

export interface HeatView {
  /** visible lon/lat box [west, south, east, north] */
  bounds: [number, number, number, number];
  zoom: number;
}

/** Peak of Σ K(d/r) over the visible part of `positions` ([lon, lat] pairs, first `count`). */
export function heatPeak(positions: Float32Array, count: number, view: HeatView, radiusPixels: number): number {
  const sigma = radiusPixels / 6;
  const scale = WORLD * 2 ** view.zoom;
  const [w, s, e, n] = view.bounds;
  const mx = (lon: number) => ((lon + 180) / 360) * scale;
  const my = (lat: number) => {
    const phi = (Math.max(-85.05, Math.min(85.05, lat)) * Math.PI) / 180;
    return ((1 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / Math.PI) / 2) * scale;
  };
  // points within the radius outside the view still add to visible texels
  const x0 = mx(w) - radiusPixels, x1 = mx(e) + radiusPixels;
  const y0 = my(n) - radiusPixels, y1 = my(s) + radiusPixels;
  let cell = sigma / 2;
  // keep the grid modest on huge screens (coarser cells, still ≤ σ)
  while (((x1 - x0) / cell) * ((y1 - y0) / cell) > 150_000 && cell < sigma) cell *= 1.25;
  const nx = Math.max(1, Math.ceil((x1 - x0) / cell)), ny = Math.max(1, Math.ceil((y1 - y0) / cell));
  const grid = new Float32Array(nx * ny);
  let any = false;
  const lonMin = w - (360 * radiusPixels) / scale, lonMax = e + (360 * radiusPixels) / scale;
  for (let i = 0; i < count; i++) {
    const lon = positions[2 * i]!;
    if (lon < lonMin || lon > lonMax) continue;
    const cx = Math.floor((mx(lon) - x0) / cell);
    if (cx < 0 || cx >= nx) continue;
    const cy = Math.floor((my(positions[2 * i + 1]!) - y0) / cell);
    if (cy < 0 || cy >= ny) continue;
    grid[cy * nx + cx]! += 1;
    any = true;
  }
  if (!any) return 0;
  // separable Gaussian, weights for whole-cell offsets, truncated at 3σ
  const k = Math.ceil((3 * sigma) / cell);
  const wts = new Float32Array(2 * k + 1);
  for (let j = -k; j <= k; j++) wts[j + k] = Math.exp(-((j * cell) ** 2) / (2 * sigma * sigma));
  const tmp = new Float32Array(nx * ny);
  for (let y = 0; y < ny; y++) {
    const row = y * nx;
    for (let x = 0; x < nx; x++) {
      const v = grid[row + x]!;
      if (v === 0) continue;
      const a = Math.max(0, x - k), b = Math.min(nx - 1, x + k);
      for (let xx = a; xx <= b; xx++) tmp[row + xx]! += v * wts[xx - x + k]!;
    }
  }
  let peak = 0;
  const col = new Float32Array(ny);
  for (let x = 0; x < nx; x++) {
    col.fill(0);
    for (let y = 0; y < ny; y++) {
      const v = tmp[y * nx + x]!;
      if (v === 0) continue;
      const a = Math.max(0, y - k), b = Math.min(ny - 1, y + k);
      for (let yy = a; yy <= b; yy++) col[yy]! += v * wts[yy - y + k]!;
    }
    for (let y = 0; y < ny; y++) if (col[y]! > peak) peak = col[y]!;
  }
  return peak * KDE_NORM;
}
