import { median as medianOf } from 'simple-statistics';

/**
 * Mean of `values`, 0 when there are none. Trend and seasonality treat "no
 * usable days" as "no demand seen" and decide the neutral value themselves,
 * so an empty mean must not throw (simple-statistics' `mean` does). A plain
 * sum, not simple-statistics' compensated one, so results stay bit for bit
 * what the stored features were computed with.
 *
 * @example meanOf([1, 2, 3]) // 2
 */
export function meanOf(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** The median, or null when there are no values (simple-statistics' throws). @example median([3, 1, 2]) // 2 */
export function median(values: readonly number[]): number | null {
  return values.length === 0 ? null : medianOf([...values]);
}
