import { mulberry32 } from '../../../common/rng';

/** Seeded PRNG (mulberry32): deterministic for a given seed. */
export function makeRng(seed: number): () => number {
  return mulberry32((seed >>> 0) ^ 0x9e3779b9);
}
