/**
 * Classical decomposition's seasonal indices (FPP3 §3.4): each period's
 * deviation from the centred moving average of one season (2×m for even m),
 * averaged by position and normalised (additive: sum 0, multiplicative: mean 1).
 * Index of period t at [t % m]; a position without a full moving average gets
 * the neutral index.
 *
 * @example classicalSeasonalIndices([1, 3, 1, 3, 1, 3], 2, 'additive') // [-1, 1]
 */
export function classicalSeasonalIndices(values: readonly number[], season: number, kind: 'additive' | 'multiplicative'): number[] {
  const neutral = kind === 'additive' ? 0 : 1;
  const half = Math.floor(season / 2);
  const sums = new Array<number>(season).fill(0);
  const counts = new Array<number>(season).fill(0);
  for (let t = half; t + half < values.length; t += 1) {
    const average = centredMean(values, t, season);
    if (kind === 'multiplicative' && !(average > 0)) continue;
    const position = t % season;
    sums[position] = sums[position]! + (kind === 'additive' ? values[t]! - average : values[t]! / average);
    counts[position] = counts[position]! + 1;
  }
  const raw = sums.map((s, i) => (counts[i]! > 0 ? s / counts[i]! : neutral));
  const mean = raw.reduce((a, b) => a + b, 0) / season;
  if (kind === 'additive') return raw.map((r) => r - mean);
  return mean > 0 ? raw.map((r) => r / mean) : raw.map(() => 1);
}

/** The centred moving average of one season at t (halves at both ends for even m); t ± ⌊m/2⌋ must be inside. */
function centredMean(values: readonly number[], t: number, season: number): number {
  const half = Math.floor(season / 2);
  if (season % 2 === 1) {
    let sum = 0;
    for (let i = t - half; i <= t + half; i += 1) sum += values[i]!;
    return sum / season;
  }
  let sum = (values[t - half]! + values[t + half]!) / 2;
  for (let i = t - half + 1; i < t + half; i += 1) sum += values[i]!;
  return sum / season;
}
