import { describe, expect, it } from 'vitest';
import { backtestModel, residualsByStep, rollingOrigins } from './backtest.js';
import { MODELS } from './candidates.js';
import { seasonalSeries } from './fixtures/simulated-series.js';
import type { DemandHistory, ForecastContext, ForecastModel } from './forecasting.types.js';
import { toDemandHistory } from './history.js';
import { ensembleBacktest } from './models/ensemble.js';

const noisy = seasonalSeries({ length: 140, level: 60, trend: 0.1, pattern: [0, 4, 8, 4, 0, -8, -8], noise: 4, seed: 21 });

describe('rolling origins', () => {
  it('takes the last origins whose whole horizon is held out', () => {
    expect(rollingOrigins(20, 3, 4, 5)).toEqual([14, 15, 16, 17]);
    expect(rollingOrigins(10, 3, 20, 5)).toEqual([5, 6, 7]);
    expect(rollingOrigins(6, 3, 20, 5)).toEqual([]);
  });
});

describe('backtest has no leakage', () => {
  it('hands a model only the frozen training slice before each origin', () => {
    const seen: { length: number; beyond: number | undefined; frozen: boolean }[] = [];
    const cheat: ForecastModel = {
      name: 'moving-average',
      unfit: () => null,
      forecast(history: DemandHistory, context: ForecastContext) {
        // A cheating model tries to read the held-out value right after its training data.
        seen.push({ length: history.values.length, beyond: history.values[history.values.length], frozen: Object.isFrozen(history.values) });
        return { values: new Array<number>(context.horizon).fill(history.values.at(-1)!) };
      },
    };
    const origins = rollingOrigins(noisy.length, 7, 5, 8);
    backtestModel(toDemandHistory({ values: noisy }), cheat, { season: 7, horizon: 7, origins });
    expect(seen.map((s) => s.length)).toEqual(origins);
    expect(seen.every((s) => s.beyond === undefined && s.frozen)).toBe(true);
  });

  it.each(Object.values(MODELS).map((m) => [m.name, m] as const))(
    '%s: changing values after a window origin leaves that window forecast unchanged',
    (_name, model) => {
      const origins = rollingOrigins(noisy.length, 7, 4, 8);
      const history = toDemandHistory({ values: noisy });
      const before = backtestModel(history, model, { season: 7, horizon: 7, origins });
      const target = origins[1]!;
      const changed = toDemandHistory({ values: noisy.map((v, t) => (t >= target ? v * 3 + 50 : v)) });
      const after = backtestModel(changed, model, { season: 7, horizon: 7, origins });
      // windows at or before the change see the same training data → same forecasts …
      expect(after.windows[0]!.forecast).toEqual(before.windows[0]!.forecast);
      expect(after.windows[1]!.forecast).toEqual(before.windows[1]!.forecast);
      // … while a later window does see the change (the test can fail)
      expect(after.windows[3]!.forecast).not.toEqual(before.windows[3]!.forecast);
    },
  );

  it('scores windows on held-out periods only, skipping censored ones', () => {
    const values = Array.from({ length: 30 }, (_, t) => 10 + (t % 2));
    const censored = values.map((_, t) => t === 28);
    const history = toDemandHistory({ values: values.map((v, t) => (t === 28 ? 0 : v)), censored });
    const result = backtestModel(history, MODELS['seasonal-naive'], { season: 2, horizon: 2, origins: [27, 28] });
    // origin 28 forecasts [10, 11] for actuals [0 (censored), 11]: only the 11 is scored → MASE 0, not 10 / 1
    expect(result.windows[1]!.scored).toEqual([false, true]);
    expect(result.windows[1]!.mase).toBe(0);
    // step 2 of origin 27 is the censored period too: one residual per step is left
    expect(residualsByStep(result, 2)).toEqual([[0], [0]]);
  });

  it('builds the ensemble window by window from its members, as the median', () => {
    const history = toDemandHistory({ values: noisy });
    const plan = { season: 7, horizon: 7, origins: rollingOrigins(noisy.length, 7, 3, 8) };
    const members = (['seasonal-naive', 'moving-average', 'holt-winters-additive'] as const).map((name) =>
      backtestModel(history, MODELS[name], plan),
    );
    const ensemble = ensembleBacktest(history, members, 7);
    const sorted = members.map((m) => m.windows[2]!.forecast[4]!).sort((a, b) => a - b);
    expect(ensemble.windows[2]!.forecast[4]).toBe(sorted[1]);
  });
});
