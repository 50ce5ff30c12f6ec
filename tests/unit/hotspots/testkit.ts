/** Deterministic test data for the hot spot tests: seeded RNG, Poisson draws, square lattices. */
import type { Polygon } from 'geojson';
import { mulberry32 } from '../../../common/rng';
export { mulberry32 };

export function poisson(rand: () => number, mean: number): number {
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gauss(rand)));
  const l = Math.exp(-mean);
  let k = 0,
    p = 1;
  do {
    k++;
    p *= rand();
  } while (p > l);
  return k - 1;
}

function gauss(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** cols x rows unit squares from (x0, y0) with side d; zone index = r * cols + c. */
export function squareLattice(cols: number, rows: number, d = 1, x0 = 0, y0 = 0): Polygon[] {
  const out: Polygon[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x = x0 + c * d,
        y = y0 + r * d;
      out.push({
        type: 'Polygon',
        coordinates: [
          [
            [x, y],
            [x + d, y],
            [x + d, y + d],
            [x, y + d],
            [x, y],
          ],
        ],
      });
    }
  }
  return out;
}
