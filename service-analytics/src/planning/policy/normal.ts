import { errorFunction, probit } from 'simple-statistics';

/**
 * The standard normal distribution as the policy needs it. simple-statistics'
 * `cumulativeStdNormalProbability` reads a table rounded to 4 decimals in steps
 * of 0.01 and its `probit` is off by up to ~3·10⁻³ (Φ⁻¹(0.975) = 1.9572 instead
 * of 1.9600), so Φ is taken from its error function (absolute error ~10⁻⁷) and
 * the probit is refined by Newton steps on that Φ.
 */

const SQRT_TWO_PI = Math.sqrt(2 * Math.PI);

/** Φ(z). @example standardNormalCdf(1) // 0.8413 */
export function standardNormalCdf(z: number): number {
  return 0.5 * (1 + errorFunction(z / Math.SQRT2));
}

/** φ(z). @example standardNormalPdf(0) // 0.3989 */
export function standardNormalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / SQRT_TWO_PI;
}

/**
 * Φ⁻¹(p), to ~10⁻⁷.
 *
 * @example inverseStandardNormal(0.975) // 1.95996
 */
export function inverseStandardNormal(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`probability must be between 0 and 1, got ${p}`);
  let z = probit(p);
  for (let step = 0; step < 3; step++) z -= (standardNormalCdf(z) - p) / standardNormalPdf(z);
  return z;
}

/**
 * The standard normal loss function G(k) = E[(Z − k)⁺] = φ(k) − k·(1 − Φ(k)):
 * expected units short per unit of σ when stock is set k standard deviations
 * above the mean (Silver, Pyke & Thomas, "Inventory and Production Management
 * in Supply Chains", appendix: G(0) = 0.3989, G(1) = 0.0833, G(2) = 0.0085).
 *
 * @example standardNormalLoss(1) // 0.0833
 */
export function standardNormalLoss(k: number): number {
  return standardNormalPdf(k) - k * (1 - standardNormalCdf(k));
}

/**
 * k with G(k) = loss on [-4, 6] (G is strictly decreasing, G′(k) = Φ(k) − 1);
 * a loss beyond the range answers the bound.
 *
 * @example inverseStandardNormalLoss(0.0833) // ≈ 1.00
 */
export function inverseStandardNormalLoss(loss: number): number {
  return solveDecreasing(standardNormalLoss, loss, -4, 6, (k) => standardNormalCdf(k) - 1);
}

/**
 * x in [low, high] with f(x) = target for a decreasing f; the nearer bound when
 * the target is outside f's range there. With the derivative, Newton steps
 * kept inside the shrinking bracket (a step that would leave it bisects
 * instead): a handful of evaluations instead of ~32 halvings.
 */
export function solveDecreasing(f: (x: number) => number, target: number, low: number, high: number, derivative?: (x: number) => number): number {
  if (target >= f(low)) return low;
  if (target <= f(high)) return high;
  let lo = low;
  let hi = high;
  let x = (lo + hi) / 2;
  // 2·10⁻⁹ of a standard deviation: far below any quantity that is later rounded to units.
  for (let i = 0; i < 60 && hi - lo > 2e-9; i++) {
    const value = f(x) - target;
    if (value > 0) lo = x;
    else if (value < 0) hi = x;
    else return x;
    const slope = derivative?.(x);
    const step = slope !== undefined && slope < 0 ? x - value / slope : Number.NaN;
    const next = step > lo && step < hi ? step : (lo + hi) / 2;
    if (Math.abs(next - x) < 1e-10) return next;
    x = next;
  }
  return (lo + hi) / 2;
}
