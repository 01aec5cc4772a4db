/**
 * A small deterministic Nelder–Mead minimiser: the same start always gives the
 * same answer (no random restarts), which keeps fitted models reproducible.
 * Enough for the 1–3 smoothing parameters of Holt–Winters; parameters are
 * unconstrained here — callers map them into their valid range.
 *
 * @example
 *   nelderMead(([x, y]) => (x! - 1) ** 2 + (y! + 2) ** 2, [0, 0]).point // ≈ [1, -2]
 */
export function nelderMead(
  objective: (point: readonly number[]) => number,
  start: readonly number[],
  options: { step?: number; maxIterations?: number; tolerance?: number } = {},
): { point: number[]; value: number } {
  const step = options.step ?? 1;
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.tolerance ?? 1e-8;
  const dims = start.length;
  // A non-finite objective (a diverging model) must lose against any finite one.
  const f = (p: readonly number[]) => {
    const v = objective(p);
    return Number.isFinite(v) ? v : Number.MAX_VALUE;
  };

  let simplex = [start.slice(), ...start.map((_, i) => start.map((x, j) => (i === j ? x + step : x)))].map((p) => ({
    point: p,
    value: f(p),
  }));

  for (let iteration = 0; iteration < maxIterations; iteration += 1) {
    simplex.sort((a, b) => a.value - b.value);
    const best = simplex[0]!;
    const worst = simplex[dims]!;
    if (Math.abs(worst.value - best.value) <= tolerance * (Math.abs(best.value) + tolerance)) break;

    const centroid = Array.from({ length: dims }, (_, j) => simplex.slice(0, dims).reduce((s, v) => s + v.point[j]!, 0) / dims);
    const along = (t: number) => centroid.map((c, j) => c + t * (worst.point[j]! - c));

    const reflected = along(-1);
    const reflectedValue = f(reflected);
    if (reflectedValue < best.value) {
      const expanded = along(-2);
      const expandedValue = f(expanded);
      simplex[dims] = expandedValue < reflectedValue ? { point: expanded, value: expandedValue } : { point: reflected, value: reflectedValue };
      continue;
    }
    if (reflectedValue < simplex[dims - 1]!.value) {
      simplex[dims] = { point: reflected, value: reflectedValue };
      continue;
    }
    const contracted = reflectedValue < worst.value ? along(-0.5) : along(0.5);
    const contractedValue = f(contracted);
    if (contractedValue < Math.min(worst.value, reflectedValue)) {
      simplex[dims] = { point: contracted, value: contractedValue };
      continue;
    }
    // Shrink everything towards the best point.
    simplex = simplex.map((v, i) => {
      if (i === 0) return v;
      const point = v.point.map((x, j) => best.point[j]! + 0.5 * (x - best.point[j]!));
      return { point, value: f(point) };
    });
  }
  simplex.sort((a, b) => a.value - b.value);
  return { point: simplex[0]!.point, value: simplex[0]!.value };
}
