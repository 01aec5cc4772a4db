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
export function conformalHalfWidths(
  residualsByStep: readonly (readonly number[])[],
  confidence: number,
): { halfWidths: number[]; enough: boolean } {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be between 0 and 1, got ${confidence}`);
  let enough = true;
  const steps = residualsByStep.length;
  const halfWidths = residualsByStep.map((_, k) => {
    const pool = residualsByStep[k]!.map(Math.abs);
    for (let radius = 1; !hasEnough(pool.length, confidence) && radius < steps; radius += 1) {
      for (const j of [k - radius, k + radius]) {
        if (j >= 0 && j < steps) pool.push(...residualsByStep[j]!.map(Math.abs));
      }
    }
    if (pool.length === 0) {
      enough = false;
      return 0;
    }
    pool.sort((a, b) => a - b);
    if (!hasEnough(pool.length, confidence)) {
      enough = false;
      return pool[pool.length - 1]!;
    }
    return pool[conformalRank(pool.length, confidence) - 1]!;
  });
  return { halfWidths, enough };
}

function hasEnough(n: number, confidence: number): boolean {
  return n > 0 && conformalRank(n, confidence) <= n;
}

/** ⌈(n + 1)·c⌉, with a little slack so 20 × 0.95 is 19 and not 19.000000000000004 → 20. */
function conformalRank(n: number, confidence: number): number {
  return Math.ceil((n + 1) * confidence - 1e-9);
}
