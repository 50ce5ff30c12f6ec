/** Target group sizes for n items: `size` wherever possible, otherwise within [min, max]. */

export interface SizePlan {
  sizes: number[];
  warning?: string;
}

export function targetSizes(n: number, size = 10, min = 8, max = 12): SizePlan {
  if (!(min <= size && size <= max && min >= 1)) throw new Error(`bad size band: ${min} <= ${size} <= ${max} required`);
  if (n <= 0) return { sizes: [] };
  if (n < min) return { sizes: [n], warning: `only ${n} shops: one group smaller than ${min}` };
  const kLo = Math.ceil(n / max),
    kHi = Math.floor(n / min);
  let k: number;
  let warning: string | undefined;
  if (kLo <= kHi) {
    k = Math.min(kHi, Math.max(kLo, Math.round(n / size)));
  } else {
    // No k puts every group in the band (e.g. 13..15 with 8..12): least violation.
    const over = n - kHi * max; // kHi groups, some larger than max
    const under = min - Math.floor(n / kLo); // kLo groups, some smaller than min
    k = over <= under ? Math.max(1, kHi) : kLo;
    warning = `${n} shops cannot be split into groups of ${min}-${max}; using ${k} group(s)`;
  }
  const sizes = new Array<number>(k).fill(size);
  let d = n - size * k;
  if (kLo <= kHi) {
    for (let g = 0; d !== 0; g++) {
      const step = d > 0 ? Math.min(d, max - size) : Math.max(d, min - size);
      sizes[g] += step;
      d -= step;
    }
  } else {
    const base = Math.floor(n / k);
    for (let g = 0; g < k; g++) sizes[g] = base + (g < n - base * k ? 1 : 0);
  }
  return { sizes: sizes.sort((a, b) => b - a), warning };
}
