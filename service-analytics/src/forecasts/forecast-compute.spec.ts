import { STORED_CONFIDENCE_LEVELS } from '@icc/shared';
import { describe, expect, it } from 'vitest';
import { campaignLift } from './campaign-effect.js';
import { computeForecast, minimumHistory } from './forecast-compute.js';

const none = (n: number) => new Array<number>(n).fill(0);
const weekly = (n: number, campaign: (t: number) => boolean = () => false) =>
  Array.from({ length: n }, (_, t) => [10, 12, 14, 16, 20, 8, 6][t % 7]! * (campaign(t) ? 1.5 : 1));

describe('computeForecast', () => {
  it('skips a history too short for the backtest, saying how much it needs', () => {
    const settings = { season: 7, horizon: 28, confidence: 0.95 };
    const n = minimumHistory(settings) - 1;
    const outcome = computeForecast(
      {
        sku: 'A',
        series: { values: weekly(n), censored: none(n).map(() => false), campaign: none(n), holiday: none(n) },
        future: { campaign: none(28), holiday: none(28) },
      },
      settings,
    );
    expect(outcome).toEqual({ sku: 'A', status: 'skipped', message: `needs 36 days of history for a 28-day backtest with season 7; has ${n}` });
  });

  it('forecasts with intervals at the job level and every stored level, nested by coverage', () => {
    const n = 200;
    const outcome = computeForecast(
      {
        sku: 'A',
        series: { values: weekly(n), censored: none(n).map(() => false), campaign: none(n), holiday: none(n) },
        future: { campaign: none(14), holiday: none(14) },
      },
      { season: 7, horizon: 14, confidence: 0.85 },
    );
    if (outcome.status !== 'forecast') throw new Error(outcome.message);
    expect(outcome.intervals.map((i) => i.confidence)).toEqual([...new Set([0.85, ...STORED_CONFIDENCE_LEVELS])].sort((a, b) => a - b));
    for (let i = 1; i < outcome.intervals.length; i += 1) {
      outcome.intervals[i]!.halfWidths.forEach((w, k) => expect(w).toBeGreaterThanOrEqual(outcome.intervals[i - 1]!.halfWidths[k]!));
    }
    expect(outcome.forecast.forecasts).toHaveLength(14);
  });
});

describe('campaignLift', () => {
  it('measures campaign days against the same weekdays around them, leaving stock-outs out', () => {
    const campaign = (t: number) => t % 35 >= 28 && t % 35 < 32;
    const values = weekly(210, campaign);
    const flags = values.map((_, t) => (campaign(t) ? 1 : 0));
    const lift = campaignLift(
      values,
      values.map(() => false),
      flags,
      7,
    )!;
    expect(lift.lift).toBeCloseTo(0.5, 9);
    expect(lift.campaignDays).toBe(24);
    // a stock-out on a campaign day is not counted
    const censored = values.map((_, t) => t === 28);
    expect(campaignLift(values, censored, flags, 7)!.campaignDays).toBe(23);
  });

  it('gives nothing with fewer than 7 usable campaign days', () => {
    const values = weekly(70, (t) => t < 6);
    expect(
      campaignLift(
        values,
        values.map(() => false),
        values.map((_, t) => (t < 6 ? 1 : 0)),
        7,
      ),
    ).toBeNull();
  });
});
