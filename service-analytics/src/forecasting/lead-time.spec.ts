import { describe, expect, it } from 'vitest';
import { seededNormal } from './normal.js';
import { leadTimeDemand } from './lead-time.js';

describe('leadTimeDemand', () => {
  it('covers about 95% (91% measured) of simulated 14-day totals with its 95% quantile', () => {
    let covered = 0;
    const series = 500;
    for (let seed = 1; seed <= series; seed += 1) {
      const draw = seededNormal(seed);
      // A local level (simple exponential smoothing, α = 0.2) around 50: errors persist, so days are correlated.
      let level = 50;
      const values: number[] = [];
      for (let t = 0; t < 214; t += 1) {
        const e = 3 * draw();
        values.push(level + e);
        level += 0.2 * e;
      }
      const result = leadTimeDemand({ values: values.slice(0, 200) }, { season: 1, days: 14, probabilities: [0.95] });
      const total = values.slice(200).reduce((a, b) => a + b, 0);
      if (total <= result.quantiles[0]!.value) covered += 1;
    }
    // Measured 91% (500 series): the plug-in distribution ignores the error of the estimated level and α,
    // which weighs more on a 14-day sum than on one day (per-step intervals cover 93–97%, ets.spec.ts).
    // A known shortfall, kept visible here rather than hidden by a wide bound.
    expect(covered / series).toBeGreaterThanOrEqual(0.89);
    expect(covered / series).toBeLessThanOrEqual(0.97);
  });

  it('from ARIMA: covers about 95% (90.5% measured) of simulated 14-day totals, and names its form', () => {
    let covered = 0;
    const series = 200;
    let name = '';
    for (let seed = 1; seed <= series; seed += 1) {
      const draw = seededNormal(seed);
      // The same local level: an ARIMA(0,1,1) with θ = α − 1 = −0.8.
      let level = 50;
      const values: number[] = [];
      for (let t = 0; t < 214; t += 1) {
        const e = 3 * draw();
        values.push(level + e);
        level += 0.2 * e;
      }
      const result = leadTimeDemand({ values: values.slice(0, 200) }, { season: 1, days: 14, probabilities: [0.95], model: 'arima' });
      name = result.model;
      const total = values.slice(200).reduce((a, b) => a + b, 0);
      if (total <= result.quantiles[0]!.value) covered += 1;
    }
    expect(name).toMatch(/^ARIMA\(/);
    // Measured 90.5% (200 series), as ETS's 91% above and for the same reason: a plug-in distribution.
    // Fitted on the pipeline's 84-day window instead, KPSS missed the unit root a third of the time: 76%.
    expect(covered / series).toBeGreaterThanOrEqual(0.87);
    expect(covered / series).toBeLessThanOrEqual(0.97);
  });

  it('names the model and refuses a non-positive number of days', () => {
    const values = Array.from({ length: 60 }, (_, t) => 20 + (t % 3));
    expect(leadTimeDemand({ values }, { season: 1, days: 7 }).model).toMatch(/^ETS\(/);
    expect(() => leadTimeDemand({ values }, { season: 1, days: 0 })).toThrow(/days/);
  });
});
