import { describe, expect, it } from 'vitest';
import { exitCodeFor, renderSummary } from './render-summary.js';
import { aJobSummary, aTrainingJob } from './training-job.builders.js';

describe('renderSummary', () => {
  it('states the status, the SKU counts, the elapsed time and the rate', () => {
    const text = renderSummary(
      aTrainingJob({
        progress: { total: 400, done: 400, forecast: 390, skipped: 7, failed: 3 },
        startedAt: '2026-04-01T08:00:00.000Z',
        completedAt: '2026-04-01T08:00:32.000Z',
        summary: aJobSummary({ models: { 'holt-winters-additive': 390 } }),
      }),
    );
    expect(text).toMatch(/^status {6}completed$/m);
    expect(text).toMatch(/^SKUs {8}400 total: 390 forecast, 7 skipped, 3 failed$/m);
    // 400 SKUs in 32 s
    expect(text).toMatch(/^elapsed {5}32\.0 s, 12\.5 SKUs\/s$/m);
    expect(text).toMatch(/^request {5}all SKUs, history to 2026-03-31, 28 days ahead, 95% intervals, season 7$/m);
  });

  it('lists each chosen model with its count and share, most used first', () => {
    const text = renderSummary(
      aTrainingJob({
        progress: { total: 8, done: 8, forecast: 8 },
        summary: aJobSummary({ models: { 'seasonal-naive': 1, 'croston-sba': 2, 'holt-winters-additive': 5 } }),
      }),
    );
    const rows = text
      .split('\n')
      .filter((line) => /^ {2}[a-z-]+ +\d+ +[\d.]+%$/.test(line))
      .map((line) => line.trim().split(/\s+/));
    expect(rows).toEqual([
      ['holt-winters-additive', '5', '62.5%'],
      ['croston-sba', '2', '25.0%'],
      ['seasonal-naive', '1', '12.5%'],
    ]);
  });

  it('compares the median MASE of the chosen models with seasonal naive', () => {
    const better = renderSummary(
      aTrainingJob({ summary: aJobSummary({ medianMase: 0.7234, medianSeasonalNaiveMase: 0.9645, improvementOverSeasonalNaive: 0.25 }) }),
    );
    expect(better).toMatch(/chosen models: +0\.723$/m);
    expect(better).toMatch(/seasonal naive: +0\.965$/m);
    expect(better).toMatch(/improvement over seasonal naive: +25\.0% lower error$/m);
    const worse = renderSummary(aTrainingJob({ summary: aJobSummary({ improvementOverSeasonalNaive: -0.034 }) }));
    expect(worse).toMatch(/3\.4% higher error \(worse than seasonal naive\)/);
    const nothing = renderSummary(
      aTrainingJob({ summary: aJobSummary({ models: {}, medianMase: null, medianSeasonalNaiveMase: null, improvementOverSeasonalNaive: null }) }),
    );
    expect(nothing).toMatch(/chosen models: +–$/m);
    expect(nothing).toMatch(/improvement over seasonal naive: +–$/m);
  });

  it('shows the first failures with their messages and how many SKUs were skipped', () => {
    const text = renderSummary(
      aTrainingJob({
        progress: { total: 30, done: 30, forecast: 13, skipped: 5, failed: 12 },
        summary: aJobSummary({
          models: { 'moving-average': 13 },
          failures: Array.from({ length: 12 }, (_, i) => ({ sku: `SKU-${i}`, message: `boom ${i}` })),
          skipped: [
            { sku: 'NEW-1', message: 'too short' },
            { sku: 'NEW-2', message: 'too short' },
          ],
        }),
      }),
    );
    expect(text).toContain('failed SKUs (first 10 of 12):\n  SKU-0: boom 0\n  SKU-1: boom 1\n');
    expect(text).toContain('  SKU-9: boom 9\n');
    expect(text).not.toContain('SKU-10');
    expect(text).toContain('note: 5 SKUs skipped for too short a history (e.g. NEW-1, NEW-2); they have no forecast');
  });

  it('shows the error of a failed job that never started', () => {
    const text = renderSummary(
      aTrainingJob({
        status: 'failed',
        error: 'no SKU has sales features yet',
        summary: null,
        startedAt: null,
        completedAt: '2026-04-01T08:00:00.000Z',
        progress: { total: 0, done: 0, forecast: 0 },
      }),
    );
    expect(text).toMatch(/^status {6}failed$/m);
    expect(text).toMatch(/^error {7}no SKU has sales features yet$/m);
    expect(text).toMatch(/^elapsed {5}not started$/m);
  });
});

describe('exitCodeFor', () => {
  it('is 0 only for a completed job without failed SKUs; skipped SKUs do not count', () => {
    expect(exitCodeFor(aTrainingJob({ progress: { skipped: 3, forecast: 7 } }))).toBe(0);
    expect(exitCodeFor(aTrainingJob({ progress: { failed: 1, forecast: 9 } }))).toBe(1);
    expect(exitCodeFor(aTrainingJob({ status: 'failed', error: 'out of memory' }))).toBe(1);
  });
});
