import { describe, expect, it } from 'vitest';
import { backtestModel, residualsByStep, rollingOrigins } from './backtest.js';
import { MODELS } from './candidates.js';
import { seasonalSeries } from '../../test/support/simulated-series.js';
import type { DemandHistory, ForecastContext, ForecastModel } from './forecasting.types.js';
import { regressorsAhead, toDemandHistory, trainingSlice } from './history.js';
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

  const fastModels = Object.values(MODELS)
    .filter((m) => m.backtest !== undefined)
    .map((m) => [m.name, m] as const);

  it.each(fastModels)('%s: the one-pass backtest leaks nothing through imputed stock-outs either', (_name, model) => {
    const origins = rollingOrigins(noisy.length, 7, 4, 8);
    const target = origins[1]!;
    // The weekday of the period just before the target is always sold out: with nothing earlier to impute
    // it from, plain imputation would borrow the first usable value after it, the target's own.
    const soldOutDay = (target - 1) % 7;
    const censored = noisy.map((_, t) => t % 7 === soldOutDay || t % 23 === 0);
    const observed = (values: readonly number[]) => values.map((v, t) => (censored[t] ? 0.3 * v : v));
    const history = toDemandHistory({ values: observed(noisy), censored });
    const changed = toDemandHistory({ values: observed(noisy.map((v, t) => (t >= target ? v * 3 + 50 : v))), censored });
    const plan = { season: 7, horizon: 7, origins };
    const before = backtestModel(history, model, plan);
    const after = backtestModel(changed, model, plan);
    expect(after.windows[0]!.forecast).toEqual(before.windows[0]!.forecast);
    expect(after.windows[1]!.forecast).toEqual(before.windows[1]!.forecast);
    expect(after.windows[3]!.forecast).not.toEqual(before.windows[3]!.forecast);
  });

  it.each(fastModels)('%s: the one-pass backtest forecasts the first origin as a refit on its training slice does', (_name, model) => {
    const history = toDemandHistory({ values: noisy });
    const plan = { season: 7, horizon: 7, origins: rollingOrigins(noisy.length, 7, 4, 8) };
    const origin = plan.origins[0]!;
    const refit = model.forecast(trainingSlice(history, origin), { season: 7, horizon: 7, future: regressorsAhead(history, origin, 7) });
    const fast = model.backtest!(history, plan);
    expect(fast).toHaveLength(plan.origins.length);
    fast[0]!.forEach((f, k) => expect(f).toBeCloseTo(refit.values[k]!, 9));
  });

  it('refits, on the frozen training slice, at the origins a one-pass backtest does not reach', () => {
    const refits: number[] = [];
    const partial: ForecastModel = {
      name: 'holt-winters-multiplicative',
      unfit: () => null,
      forecast(history: DemandHistory, context: ForecastContext) {
        refits.push(history.values.length);
        expect(Object.isFrozen(history.values)).toBe(true);
        return { values: new Array<number>(context.horizon).fill(-1) };
      },
      // As when a multiplicative pass meets a stock-out it could not impute: it stops after two origins.
      backtest: (_history, plan) => plan.origins.slice(0, 2).map(() => new Array<number>(plan.horizon).fill(1)),
    };
    const origins = rollingOrigins(noisy.length, 7, 4, 8);
    const result = backtestModel(toDemandHistory({ values: noisy }), partial, { season: 7, horizon: 7, origins });
    expect(refits).toEqual(origins.slice(2));
    expect(result.windows.map((w) => w.forecast[0])).toEqual([1, 1, -1, -1]);
  });

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
    const members = (['seasonal-naive', 'moving-average', 'holt-winters-additive'] as const).map((name) => backtestModel(history, MODELS[name], plan));
    const ensemble = ensembleBacktest(history, members);
    const sorted = members.map((m) => m.windows[2]!.forecast[4]!).sort((a, b) => a - b);
    expect(ensemble.windows[2]!.forecast[4]).toBe(sorted[1]);
  });
});
