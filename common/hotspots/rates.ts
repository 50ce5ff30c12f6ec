/** Per-zone rates and small-count suppression for leader views. Pure. */

/** count / households * 1000; null when households is not a positive number. */
export function ratePer1000(count: number, households: number): number | null {
  if (!(households > 0) || !Number.isFinite(count)) return null;
  return (count / households) * 1000;
}

/** Element-wise ratePer1000 over two equally long arrays. */
export function ratesPer1000(counts: ArrayLike<number>, households: ArrayLike<number>): Array<number | null> {
  if (counts.length !== households.length) throw new Error('ratesPer1000: arrays of unequal length');
  return Array.from({ length: counts.length }, (_, i) => ratePer1000(counts[i]!, households[i]!));
}

/**
 * Small-count suppression for privacy: counts below `threshold` (default 5) become null.
 * Zero counts are suppressed too unless keepZero is set (a zero reveals no individual).
 */
export function suppressSmall(count: number, threshold = 5, keepZero = false): number | null {
  if (keepZero && count === 0) return 0;
  return count < threshold ? null : count;
}
