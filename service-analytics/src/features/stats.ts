/**
 * Mean of `values`, 0 when there are none. The computations here treat "no
 * usable days" as "no demand seen" and decide the neutral value themselves,
 * so an empty mean must not throw (simple-statistics' `mean` does).
 *
 * @example meanOf([1, 2, 3]) // 2
 */
export function meanOf(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
