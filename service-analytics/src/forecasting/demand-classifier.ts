/**
 * Syntetos–Boylan demand classes. ADI (average demand interval) says how
 * often demand happens, CV² (squared coefficient of variation of the non-zero
 * sizes) how much its size varies. The class routes which candidate models a
 * SKU gets: smoothing and regression suit smooth demand, Croston-type methods
 * suit intermittent and lumpy demand.
 */

/** ADI at or above this: demand is intermittent (Syntetos, Boylan & Croston 2005). */
export const ADI_CUTOFF = 1.32;
/** CV² at or above this: demand sizes are erratic. */
export const CV2_CUTOFF = 0.49;

export type DemandClass = 'smooth' | 'erratic' | 'intermittent' | 'lumpy';

export interface DemandProfile {
  demandClass: DemandClass;
  /** Usable periods per period with demand; Infinity when there was none. */
  adi: number;
  /** Squared coefficient of variation of the non-zero demand sizes; 0 with fewer than two. */
  cv2: number;
  /** Periods counted (censored ones are not). */
  periods: number;
  /** Periods with demand among them. */
  demandPeriods: number;
}

/**
 * Classify a demand series. Censored (stock-out) periods are left out: a zero
 * there says nothing about how often customers ask.
 * ADI is computed as usable periods / periods with demand, the usual estimate
 * of the mean interval between demands. A series without any demand counts as
 * intermittent (ADI = Infinity), so Croston-type methods (which forecast 0)
 * handle it.
 *
 * @example
 *   classifyDemand([0, 0, 5, 0, 0, 5, 0, 0, 5]).demandClass // 'intermittent' (ADI 3, CV² 0)
 *   classifyDemand([10, 11, 9, 10]).demandClass             // 'smooth'
 */
export function classifyDemand(values: readonly number[], censored?: readonly boolean[]): DemandProfile {
  const usable = values.filter((_, i) => censored?.[i] !== true);
  const sizes = usable.filter((v) => v > 0);
  const adi = sizes.length === 0 ? Number.POSITIVE_INFINITY : usable.length / sizes.length;
  const cv2 = squaredCoefficientOfVariation(sizes);
  const frequent = adi < ADI_CUTOFF;
  const steady = cv2 < CV2_CUTOFF;
  const demandClass: DemandClass = frequent ? (steady ? 'smooth' : 'erratic') : steady ? 'intermittent' : 'lumpy';
  return { demandClass, adi, cv2, periods: usable.length, demandPeriods: sizes.length };
}

/** (population standard deviation / mean)², 0 with fewer than two sizes. */
function squaredCoefficientOfVariation(sizes: readonly number[]): number {
  if (sizes.length < 2) return 0;
  const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
  const variance = sizes.reduce((a, b) => a + (b - mean) ** 2, 0) / sizes.length;
  return variance / (mean * mean);
}
