/**
 * A seeded uniform source in [0, 1) (mulberry32: tiny, fast, good enough for
 * test noise — not for anything that needs statistical rigour).
 *
 * @example const random = seededRandom(42); random() // same value on every run
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}
