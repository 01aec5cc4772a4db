import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/support/seeded-random.js';
import { seasonalSeries } from '../../test/support/simulated-series.js';
import { forecastSeries } from './forecast-series.js';

const PATTERN = [10, 12, 15, 20, 30, 25, 8];

describe('forecastSeries', () => {
  it('picks seasonal naive for a pure seasonal series and forecasts it exactly, with zero-width intervals', () => {
    const values = Array.from({ length: 120 }, (_, t) => PATTERN[t % 7]!);
    const result = forecastSeries({ values }, { season: 7, horizon: 7 });
    expect(result.model).toBe('seasonal-naive');
    expect(result.forecasts.map((f) => f.value)).toEqual([12, 15, 20, 30, 25, 8, 10]);
    expect(result.forecasts.every((f) => f.lower === f.value && f.upper === f.value)).toBe(true);
    expect(result.backtest.windows).toBe(20);
    expect(result.reason).toMatch(/^seasonal-naive had the lowest mean backtest MASE \(0\.000\) over 20 rolling-origin windows of 7 steps/);
    expect(result.demand.demandClass).toBe('smooth');
  });

  it('beats seasonal naive on a trending noisy series and reports every candidate with its MASE', () => {
    const values = seasonalSeries({ length: 300, level: 100, trend: 0.3, pattern: [0, 5, 10, 15, 20, -20, -30], noise: 5, seed: 3 });
    const result = forecastSeries({ values }, { season: 7, horizon: 14 });
    const scores = Object.fromEntries(result.backtest.candidates.map((c) => [c.model, c.mase]));
    expect(Object.keys(scores).sort()).toEqual(
      ['ensemble', 'combination', 'drift', 'ets', 'arima', 'theta', 'linear-regression', 'moving-average', 'seasonal-naive'].sort(),
    );
    expect(scores[result.model]).toBe(Math.min(...Object.values(scores).map((s) => s ?? Infinity)));
    expect(scores[result.model]!).toBeLessThan(scores['seasonal-naive']!);
    expect(result.forecasts).toHaveLength(14);
    for (const f of result.forecasts) {
      expect(f.lower).toBeLessThan(f.value);
      expect(f.upper).toBeGreaterThan(f.value);
    }
  });

  it('follows a trend on a short non-seasonal series instead of forecasting it flat', () => {
    const random = seededRandom(21);
    // A yearly-like series: 40 periods rising by 3 a period with noise.
    const values = Array.from({ length: 40 }, (_, t) => 100 + 3 * t + (random() - 0.5) * 6);
    const result = forecastSeries({ values }, { season: 1, horizon: 6 });
    expect(['drift', 'ets', 'arima', 'theta', 'combination', 'ensemble', 'holt-winters-additive']).toContain(result.model);
    const forecast = result.forecasts.map((f) => f.value);
    // The truth continues 217, 220, …, 232: a flat forecast would sit near 217.
    expect(forecast[5]! - forecast[0]!).toBeGreaterThan(10);
    expect(forecast[5]!).toBeGreaterThan(225);
    expect(forecast[5]!).toBeLessThan(240);
  });

  it('scores the combination of ETS, ARIMA and Theta whenever all fit, window by window as the mean of theirs', () => {
    const values = seasonalSeries({ length: 200, level: 80, trend: 0.1, pattern: [0, 4, 8, 6, 2, -10, -10], noise: 3, seed: 9 });
    const result = forecastSeries({ values }, { season: 7, horizon: 7, candidates: ['ets', 'arima', 'theta', 'combination'] });
    const scores = Object.fromEntries(result.backtest.candidates.map((c) => [c.model, c.mae]));
    expect(Object.keys(scores).sort()).toEqual(['arima', 'combination', 'ets', 'theta']);
    // The mean's absolute error is at most the mean of the members' (triangle inequality), window by window.
    expect(scores['combination']!).toBeLessThanOrEqual((scores['ets']! + scores['arima']! + scores['theta']!) / 3 + 1e-9);
    // Without ARIMA there is no combination: its members are fixed.
    const without = forecastSeries({ values }, { season: 7, horizon: 7, candidates: ['ets', 'theta', 'combination'] });
    expect(without.backtest.candidates.map((c) => c.model).sort()).toEqual(['ets', 'theta']);
  });

  it('routes an intermittent series to Croston-type candidates only', () => {
    const random = seededRandom(4);
    const values = Array.from({ length: 150 }, () => (random() < 0.25 ? 4 + Math.floor(random() * 3) : 0));
    const result = forecastSeries({ values }, { season: 7, horizon: 7 });
    expect(['intermittent', 'lumpy']).toContain(result.demand.demandClass);
    const names = result.backtest.candidates.map((c) => c.model);
    expect(names).toContain('croston-sba');
    expect(names).toContain('tsb');
    expect(names).not.toContain('linear-regression');
    expect(names).not.toContain('holt-winters-additive');
    expect(result.forecasts.every((f) => f.lower >= 0)).toBe(true);
  });

  it('returns the regression weights when the regression is chosen', () => {
    const random = seededRandom(8);
    const campaign = Array.from({ length: 220 }, () => (random() < 0.2 ? 1 : 0));
    const base = seasonalSeries({ length: 220, level: 40, pattern: [0, 2, 4, 6, 8, -8, -12], noise: 1.5, seed: 12 });
    const values = base.map((v, t) => v + 30 * campaign[t]!);
    const result = forecastSeries(
      { values, campaign },
      { season: 7, horizon: 7, candidates: ['seasonal-naive', 'linear-regression'], futureCampaign: [1, 0, 0, 0, 0, 0, 0] },
    );
    expect(result.model).toBe('linear-regression');
    expect(result.weights?.campaignFlag).toBeGreaterThan(27);
    expect(result.weights?.campaignFlag).toBeLessThan(33);
  });

  it('marks candidates it cannot fit as skipped, with the reason', () => {
    const values = Array.from({ length: 40 }, (_, t) => 20 + PATTERN[t % 7]!);
    const result = forecastSeries({ values }, { season: 7, horizon: 7, windows: 5 });
    const regression = result.backtest.candidates.find((c) => c.model === 'linear-regression');
    expect(regression?.mase).toBeNull();
    expect(regression?.skipped).toMatch(/needs \d+ periods/);
  });

  it('skips multiplicative Holt–Winters when a zero appears late in the history instead of failing', () => {
    const values = Array.from({ length: 100 }, (_, t) => 50 + PATTERN[t % 7]!);
    values[98] = 0;
    const result = forecastSeries({ values }, { season: 7, horizon: 7, candidates: ['seasonal-naive', 'holt-winters-multiplicative', 'ets'] });
    const multiplicative = result.backtest.candidates.find((c) => c.model === 'holt-winters-multiplicative');
    expect(multiplicative).toMatchObject({ mase: null, skipped: 'needs strictly positive demand' });
    // ETS keeps its additive forms for that history: it is scored, not skipped.
    expect(result.backtest.candidates.find((c) => c.model === 'ets')?.mase).toBeGreaterThanOrEqual(0);
  });

  it('never forecasts negative demand, even when a falling trend extrapolates below zero', () => {
    const values = Array.from({ length: 80 }, (_, t) => Math.max(0, 160 - 2 * t) + (t % 2));
    const result = forecastSeries({ values: values.slice(0, 78) }, { season: 1, horizon: 14 });
    for (const f of result.forecasts) {
      expect(f.value).toBeGreaterThanOrEqual(0);
      expect(f.lower).toBeGreaterThanOrEqual(0);
    }
    expect(result.forecasts.at(-1)!.value).toBeLessThan(10);
  });

  it('takes the seasonal period as a parameter: monthly data with season 12', () => {
    const monthly = [-20, -15, -5, 0, 5, 10, 20, 25, 15, 5, -10, -30];
    const values = Array.from({ length: 72 }, (_, t) => 200 + monthly[t % 12]!);
    const result = forecastSeries({ values }, { season: 12, horizon: 12, windows: 6 });
    result.forecasts.forEach((f, k) => expect(f.value).toBeCloseTo(200 + monthly[k]!, 6));
  });

  it('forecasts a series too short to backtest by ETS chosen by AICc, with model-based intervals', () => {
    const random = seededRandom(31);
    // 20 quarters growing by 5 a quarter: 5 + 1 + 16 = 22 periods would be needed for one backtest window of 16 steps.
    const values = Array.from({ length: 20 }, (_, t) => 200 + 5 * t + (random() - 0.5) * 8);
    const result = forecastSeries({ values }, { season: 4, horizon: 16, intervalLevels: [0.8] });
    expect(result.model).toBe('ets');
    expect(result.backtest.windows).toBe(0);
    expect(result.reason).toMatch(/^20 periods are too short to backtest 16 steps \(need 21\): ETS\([AM],(A|Ad),N\) had the lowest AICc/);
    expect(result.forecasts[15]!.value - result.forecasts[0]!.value).toBeGreaterThan(30);
    const widths = result.forecasts.map((f) => f.upper - f.lower);
    expect(widths[15]!).toBeGreaterThan(widths[0]!);
    expect(result.intervals![0]!.halfWidths[0]!).toBeLessThan(widths[0]! / 2);
  });

  it('refuses a series too short to backtest, and bad options', () => {
    expect(() => forecastSeries({ values: [1, 2, 3, 4, 5] }, { season: 7, horizon: 3 })).toThrow(/too short/);
    expect(() => forecastSeries({ values: [1, 2, 3] }, { season: 0, horizon: 1 })).toThrow(/season/);
    expect(() => forecastSeries({ values: [1, 2, 3] }, { season: 1, horizon: 1, confidence: 1.5 })).toThrow(/confidence/);
    expect(() => forecastSeries({ values: [1, Number.NaN, 3] }, { season: 1, horizon: 1 })).toThrow(/finite/);
  });
});
