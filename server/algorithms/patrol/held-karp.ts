/** Exact tours by Held-Karp dynamic programming (for n <= ~15): the yardstick for the heuristics. */

export function heldKarp(m: ArrayLike<number>, n: number, closed = true): { length: number; order: number[] } {
  if (n <= 1) return { length: 0, order: n ? [0] : [] };
  // Open tours: add a dummy node (index n) at zero distance from everyone and close the tour.
  const N = closed ? n : n + 1;
  const d = (a: number, b: number) => (a === n || b === n ? 0 : m[a * n + b]);
  // Fix node N-1 as start; subsets over the other N-1 nodes.
  const K = N - 1;
  if (K > 20) throw new Error('heldKarp: too many nodes');
  const full = 1 << K;
  const dp = new Float64Array(full * K).fill(Infinity);
  const parent = new Int8Array(full * K).fill(-1);
  for (let j = 0; j < K; j++) dp[(1 << j) * K + j] = d(N - 1, j);
  for (let S = 1; S < full; S++) {
    for (let j = 0; j < K; j++) {
      if (!(S & (1 << j))) continue;
      const v = dp[S * K + j];
      if (v === Infinity) continue;
      for (let x = 0; x < K; x++) {
        if (S & (1 << x)) continue;
        const T = S | (1 << x);
        const nv = v + d(j, x);
        if (nv < dp[T * K + x]) {
          dp[T * K + x] = nv;
          parent[T * K + x] = j;
        }
      }
    }
  }
  let best = Infinity,
    last = -1;
  for (let j = 0; j < K; j++) {
    const v = dp[(full - 1) * K + j] + d(j, N - 1);
    if (v < best) {
      best = v;
      last = j;
    }
  }
  const order: number[] = [];
  let S = full - 1,
    j = last;
  while (j >= 0) {
    order.push(j);
    const p = parent[S * K + j];
    S &= ~(1 << j);
    j = p;
  }
  order.reverse();
  const tour = closed ? [N - 1, ...order] : order;
  return { length: best, order: tour };
}
