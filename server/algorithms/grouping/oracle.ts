/** Distance oracles: walking distance between items (shops) plus each item's nearest items. */

export interface DistanceOracle {
  readonly n: number;
  /** Walking distance in metres (Infinity when unreachable). Symmetric. */
  dist(i: number, j: number): number;
  /** Nearby items, nearest first, excluding i itself. */
  neighbors(i: number): ArrayLike<number>;
}

/** Oracle over a dense row-major n×n matrix. */
export function matrixOracle(matrix: ArrayLike<number>, n: number, k = 40): DistanceOracle {
  const cache = new Map<number, Int32Array>();
  return {
    n,
    dist: (i, j) => (i === j ? 0 : Math.min(matrix[i * n + j], matrix[j * n + i])),
    neighbors(i) {
      let nb = cache.get(i);
      if (!nb) {
        const idx: number[] = [];
        for (let j = 0; j < n; j++) if (j !== i) idx.push(j);
        idx.sort((a, b) => matrix[i * n + a] - matrix[i * n + b] || a - b);
        nb = Int32Array.from(idx.slice(0, k));
        cache.set(i, nb);
      }
      return nb;
    },
  };
}
