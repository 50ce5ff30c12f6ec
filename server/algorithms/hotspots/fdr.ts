/**
 * Benjamini-Hochberg false-discovery-rate adjustment, identical to R's p.adjust(p, "BH"):
 * q_(i) = min_{j >= i} min(1, n * p_(j) / j) over p sorted ascending. O(n log n).
 * q >= p is enforced against round-off. NaN p-values are treated as 1 (R would propagate NA; we never emit NaN).
 */
export function benjaminiHochberg(p: ArrayLike<number>): Float64Array {
  const n = p.length;
  const q = new Float64Array(n);
  if (n === 0) return q;
  const val = (i: number): number => (Number.isNaN(p[i]!) ? 1 : p[i]!);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => val(b) - val(a) || b - a);
  let running = 1;
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    const rank = n - r; // 1-based rank in ascending order
    running = Math.min(running, (n * val(i)) / rank);
    q[i] = Math.min(1, Math.max(val(i), running)); // max() only repairs round-off (n p / n < p)
  }
  return q;
}
