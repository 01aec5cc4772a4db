/**
 * Half-widths of split-conformal prediction intervals, one per horizon step,
 * from held-out backtest errors at that step: the ⌈(n + 1)·c⌉-th smallest
 * absolute error of n. Under exchangeable errors such an interval covers a new
 * actual with probability at least c — no assumption of normal errors, and
 * the width grows with the step as the errors do.
 *
 * A step with too few errors for the confidence (n + 1)·c > n, e.g. under 19
 * for 95%) borrows the errors of neighbouring steps, nearest first, until it
 * has enough; if all steps together are still too few, the largest error seen
 * is the best available bound and is used (the interval is then narrower than
 * the confidence promises — the result says so).
 *
 * @example conformalHalfWidths([[1, -2, 3, -4]], 0.5) // [3]: ⌈5 · 0.5⌉ = 3rd smallest of 1, 2, 3, 4
 */
export function conformalHalfWidths(residualsByStep: readonly (readonly number[])[], confidence: number): { halfWidths: number[]; enough: boolean } {
  return conformalHalfWidthsAt(residualsByStep, [confidence])[0]!;
}

/**
 * {@link conformalHalfWidths} at several coverages at once, in the order
 * given. Per step the pool only ever grows with the coverage (a higher one
 * needs at least the neighbours a lower one borrowed), so each step's pool is
 * built and sorted once for all coverages, from the lowest up.
 *
 * @example conformalHalfWidthsAt([[1, -2, 3, -4]], [0.5, 0.7]).map((r) => r.halfWidths) // [[3], [4]]
 */
export function conformalHalfWidthsAt(
  residualsByStep: readonly (readonly number[])[],
  confidences: readonly number[],
): { halfWidths: number[]; enough: boolean }[] {
  for (const confidence of confidences) {
    if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be between 0 and 1, got ${confidence}`);
  }
  const order = confidences.map((c, i) => ({ c, i })).sort((a, b) => a.c - b.c);
  const results = confidences.map(() => ({ halfWidths: new Array<number>(residualsByStep.length).fill(0), enough: true }));
  const steps = residualsByStep.length;
  for (let k = 0; k < steps; k += 1) {
    const pool = residualsByStep[k]!.map(Math.abs);
    let radius = 0;
    let sorted = false;
    for (const { c, i } of order) {
      const result = results[i]!;
      while (!hasEnough(pool.length, c) && radius + 1 < steps) {
        radius += 1;
        for (const j of [k - radius, k + radius]) {
          if (j >= 0 && j < steps) for (const r of residualsByStep[j]!) pool.push(Math.abs(r));
        }
        sorted = false;
      }
      if (pool.length === 0) {
        result.enough = false;
        continue;
      }
      if (!sorted) {
        pool.sort((a, b) => a - b);
        sorted = true;
      }
      if (!hasEnough(pool.length, c)) {
        result.enough = false;
        result.halfWidths[k] = pool[pool.length - 1]!;
      } else {
        result.halfWidths[k] = pool[conformalRank(pool.length, c) - 1]!;
      }
    }
  }
  return results;
}

function hasEnough(n: number, confidence: number): boolean {
  return n > 0 && conformalRank(n, confidence) <= n;
}

/** ⌈(n + 1)·c⌉, with a little slack so 20 × 0.95 is 19 and not 19.000000000000004 → 20. */
function conformalRank(n: number, confidence: number): number {
  return Math.ceil((n + 1) * confidence - 1e-9);
}
