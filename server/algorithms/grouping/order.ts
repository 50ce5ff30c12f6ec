/** Space-filling (Hilbert) order of points in a plane. */

function hilbertIndex(x: number, y: number, order: number): number {
  let d = 0;
  for (let s = 1 << (order - 1); s > 0; s >>= 1) {
    const rx = (x & s) > 0 ? 1 : 0;
    const ry = (y & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    if (ry === 0) {
      if (rx === 1) {
        x = s - 1 - x;
        y = s - 1 - y;
      }
      const t = x;
      x = y;
      y = t;
    }
  }
  return d;
}

/** Indices of `items` sorted along a Hilbert curve over their xy (flat x,y pairs, indexed by item). */
export function hilbertOrder(items: number[], xy: ArrayLike<number>): number[] {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (const i of items) {
    minX = Math.min(minX, xy[2 * i]);
    maxX = Math.max(maxX, xy[2 * i]);
    minY = Math.min(minY, xy[2 * i + 1]);
    maxY = Math.max(maxY, xy[2 * i + 1]);
  }
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const side = (1 << 15) - 1;
  const key = new Map<number, number>();
  for (const i of items) {
    const hx = Math.round(((xy[2 * i] - minX) / span) * side);
    const hy = Math.round(((xy[2 * i + 1] - minY) / span) * side);
    key.set(i, hilbertIndex(hx, hy, 15));
  }
  return items.slice().sort((a, b) => key.get(a)! - key.get(b)! || a - b);
}
