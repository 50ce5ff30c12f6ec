/**
 * CPU estimate of the heat map's peak density (pure, no DOM): what deck.gl's HeatmapLayer would
 * otherwise find with a GPU max-reduction pass over its whole weights texture (textureSize² point
 * draws per redraw, the costliest pass under software WebGL).
 *
 * deck.gl's weights pass adds, for every point, K(d / r) with r = radiusPixels (screen pixels),
 * K(u) = exp(-u² / 0.05555) / (1.77245385 · 0.166666) for u ≤ 1 — a Gaussian with σ = r / 6.
 * Here the visible points are binned on a grid of σ/2 pixel cells (typed arrays), the grid is
 * blurred with the same Gaussian (separable, truncated at 3σ) and the largest cell is the peak;
 * the colour scale's top is a high percentile of the cells (heatDomain), robust to one outlier.
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
  const d = density(positions, count, view, radiusPixels);
  let peak = 0;
  if (d) for (let i = 0; i < d.length; i++) if (d[i]! > peak) peak = d[i]!;
  return peak * KDE_NORM;
}

/** Share of the occupied cells whose density is at or below the colour scale's top (the cap). */
export const HEAT_CAP_PERCENTILE = 0.95;

export interface HeatDomain {
  /** the largest density (same units as heatPeak) */
  peak: number;
  /**
   * The top of the colour scale: the 95th percentile of the density over the cells where at least
   * half a lone incident's peak lies (the places the map shows at all), never below one lone
   * incident's peak nor above `peak`. One outlier cluster saturates at the darkest colour
   * instead of making every other place pale.
   */
  top: number;
}

/** Robust colour domain of the heat map (see HeatDomain). */
export function heatDomain(positions: Float32Array, count: number, view: HeatView, radiusPixels: number, percentile = HEAT_CAP_PERCENTILE): HeatDomain {
  const d = density(positions, count, view, radiusPixels);
  if (!d) return { peak: 0, top: 0 };
  let peak = 0;
  const occupied: number[] = [];
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v > peak) peak = v;
    if (v >= 0.5) occupied.push(v);
  }
  if (occupied.length === 0) return { peak: peak * KDE_NORM, top: peak * KDE_NORM };
  occupied.sort((a, b) => a - b);
  const q = occupied[Math.min(occupied.length - 1, Math.floor(percentile * occupied.length))]!;
  const top = Math.min(peak, Math.max(q, 1));
  return { peak: peak * KDE_NORM, top: top * KDE_NORM };
}

/** Blurred density per cell (a lone point's own cell ≈ 1), or null when no point is near the view. */
function density(positions: Float32Array, count: number, view: HeatView, radiusPixels: number): Float32Array | null {
  const sigma = radiusPixels / 6;
  const scale = WORLD * 2 ** view.zoom;
  const [w, s, e, n] = view.bounds;
  const mx = (lon: number) => ((lon + 180) / 360) * scale;
  const my = (lat: number) => {
    const phi = (Math.max(-85.05, Math.min(85.05, lat)) * Math.PI) / 180;
    return ((1 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / Math.PI) / 2) * scale;
  };
  // points within the radius outside the view still add to visible texels
  const x0 = mx(w) - radiusPixels,
    x1 = mx(e) + radiusPixels;
  const y0 = my(n) - radiusPixels,
    y1 = my(s) + radiusPixels;
  let cell = sigma / 2;
  // keep the grid modest on huge screens (coarser cells, still ≤ σ)
  while (((x1 - x0) / cell) * ((y1 - y0) / cell) > 150_000 && cell < sigma) cell *= 1.25;
  const nx = Math.max(1, Math.ceil((x1 - x0) / cell)),
    ny = Math.max(1, Math.ceil((y1 - y0) / cell));
  const grid = new Float32Array(nx * ny);
  let any = false;
  const lonMin = w - (360 * radiusPixels) / scale,
    lonMax = e + (360 * radiusPixels) / scale;
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
  if (!any) return null;
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
      const a = Math.max(0, x - k),
        b = Math.min(nx - 1, x + k);
      for (let xx = a; xx <= b; xx++) tmp[row + xx]! += v * wts[xx - x + k]!;
    }
  }
  grid.fill(0);
  for (let x = 0; x < nx; x++) {
    for (let y = 0; y < ny; y++) {
      const v = tmp[y * nx + x]!;
      if (v === 0) continue;
      const a = Math.max(0, y - k),
        b = Math.min(ny - 1, y + k);
      for (let yy = a; yy <= b; yy++) grid[yy * nx + x]! += v * wts[yy - y + k]!;
    }
  }
  return grid;
}
