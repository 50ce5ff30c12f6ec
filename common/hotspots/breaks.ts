/**
 * Class breaks for choropleth maps. Every function returns k + 1 ascending break values
 * [min, b1, ..., max]; class c holds values v with breaks[c] < v <= breaks[c + 1] (class 0 also
 * holds breaks[0]); see classOf. Non-finite values are ignored. Empty input gives [].
 */

function finiteSorted(values: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) out.push(values[i]!);
  return out.sort((a, b) => a - b);
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new Error(`class breaks: k must be a positive integer, got ${k}`);
}

/** Equal intervals between min and max. */
export function equalIntervalBreaks(values: ArrayLike<number>, k: number): number[] {
  checkK(k);
  const s = finiteSorted(values);
  if (s.length === 0) return [];
  const lo = s[0]!,
    hi = s[s.length - 1]!;
  return Array.from({ length: k + 1 }, (_, i) => (i === k ? hi : lo + ((hi - lo) * i) / k));
}

/** Quantile breaks: the i/k quantiles, R's default type-7 interpolation. */
export function quantileBreaks(values: ArrayLike<number>, k: number): number[] {
  checkK(k);
  const s = finiteSorted(values);
  if (s.length === 0) return [];
  return Array.from({ length: k + 1 }, (_, i) => {
    const h = ((s.length - 1) * i) / k;
    const lo = Math.floor(h);
    const hi = Math.min(s.length - 1, lo + 1);
    return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
  });
}

/**
 * Jenks natural breaks (Fisher's exact optimal 1-D partition: minimum total within-class sum of
 * squared deviations), O(k m^2) dynamic programme over m sorted values. Inputs longer than
 * maxSample (default 3000) are reduced to maxSample evenly spaced order statistics (always keeping
 * min and max), which keeps the cost bounded; breaks are then those of the sample.
 * When there are fewer distinct values than k, fewer classes are possible: the remaining breaks
 * repeat the maximum.
 */
export function jenksBreaks(values: ArrayLike<number>, k: number, maxSample = 3000): number[] {
  checkK(k);
  let s = finiteSorted(values);
  if (s.length === 0) return [];
  if (s.length > maxSample) {
    const m = s.length;
    s = Array.from({ length: maxSample }, (_, i) => s[Math.round((i * (m - 1)) / (maxSample - 1))]!);
  }
  const m = s.length;
  const kk = Math.min(k, m);
  // prefix sums for O(1) segment cost
  const p1 = new Float64Array(m + 1),
    p2 = new Float64Array(m + 1);
  for (let i = 0; i < m; i++) {
    p1[i + 1] = p1[i]! + s[i]!;
    p2[i + 1] = p2[i]! + s[i]! * s[i]!;
  }
  const cost = (a: number, b: number): number => {
    // values s[a..b] inclusive
    const cnt = b - a + 1;
    const sum = p1[b + 1]! - p1[a]!;
    return Math.max(0, p2[b + 1]! - p2[a]! - (sum * sum) / cnt);
  };
  // D[c][j] = min cost of splitting s[0..j] into c+1 classes; B = start index of the last class
  let prev = new Float64Array(m);
  for (let j = 0; j < m; j++) prev[j] = cost(0, j);
  const starts: Int32Array[] = [new Int32Array(m)];
  for (let c = 1; c < kk; c++) {
    const cur = new Float64Array(m).fill(Infinity);
    const st = new Int32Array(m);
    for (let j = c; j < m; j++) {
      let best = Infinity,
        arg = j;
      for (let i = c; i <= j; i++) {
        const v = prev[i - 1]! + cost(i, j);
        if (v < best) {
          best = v;
          arg = i;
        }
      }
      cur[j] = best;
      st[j] = arg;
    }
    starts.push(st);
    prev = cur;
  }
  // backtrack the class upper bounds
  const uppers: number[] = [];
  let j = m - 1;
  for (let c = kk - 1; c >= 1; c--) {
    const i = starts[c]![j]!;
    uppers.push(s[i - 1]!);
    j = i - 1;
  }
  uppers.reverse();
  const out = [s[0]!, ...uppers, s[m - 1]!];
  while (out.length < k + 1) out.push(s[m - 1]!);
  return out;
}

/** Class index of v given breaks (first c with v <= breaks[c+1]); -1 when v is not finite or out of range. */
export function classOf(v: number, breaks: readonly number[]): number {
  if (!Number.isFinite(v) || breaks.length < 2 || v < breaks[0]! || v > breaks[breaks.length - 1]!) return -1;
  for (let c = 0; c < breaks.length - 1; c++) if (v <= breaks[c + 1]!) return c;
  return breaks.length - 2;
}
