/** Planar polygon measures in metric coordinates. Pure, no I/O. */
export type Ring = ReadonlyArray<readonly number[]>;

/** Signed shoelace area of a ring (positive when counter-clockwise); closed or open rings. */
export function ringSignedArea(ring: Ring): number {
  let s = 0;
  const n = ring.length;
  for (let i = 0, j = n - 1; i < n; j = i++) s += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return s / 2;
}

export function ringPerimeter(ring: Ring): number {
  let s = 0;
  for (let i = 1; i < ring.length; i++) s += Math.hypot(ring[i][0] - ring[i - 1][0], ring[i][1] - ring[i - 1][1]);
  const a = ring[0],
    b = ring[ring.length - 1];
  if (a && b && (a[0] !== b[0] || a[1] !== b[1])) s += Math.hypot(a[0] - b[0], a[1] - b[1]);
  return s;
}

/** Area of a polygon given as [outer, ...holes]. */
export function polygonArea(rings: ReadonlyArray<Ring>): number {
  let a = 0;
  rings.forEach((r, i) => {
    a += i === 0 ? Math.abs(ringSignedArea(r)) : -Math.abs(ringSignedArea(r));
  });
  return Math.max(0, a);
}

export function polygonPerimeter(rings: ReadonlyArray<Ring>): number {
  let p = 0;
  for (const r of rings) p += ringPerimeter(r);
  return p;
}

/** Polsby-Popper compactness 4πA/P² in [0, 1] (1 = disc); 0 for degenerate shapes. */
export function polsbyPopper(area: number, perimeter: number): number {
  if (!(perimeter > 0) || !(area > 0)) return 0;
  return Math.min(1, (4 * Math.PI * area) / (perimeter * perimeter));
}

/** Area-weighted centroid of a ring (falls back to the vertex mean when degenerate). */
export function ringCentroid(ring: Ring): [number, number] {
  let a = 0,
    cx = 0,
    cy = 0;
  const n = ring.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const f = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
    a += f;
    cx += (ring[j][0] + ring[i][0]) * f;
    cy += (ring[j][1] + ring[i][1]) * f;
  }
  if (Math.abs(a) < 1e-12) {
    let sx = 0,
      sy = 0;
    for (const p of ring) {
      sx += p[0];
      sy += p[1];
    }
    return [sx / Math.max(1, n), sy / Math.max(1, n)];
  }
  return [cx / (3 * a), cy / (3 * a)];
}
