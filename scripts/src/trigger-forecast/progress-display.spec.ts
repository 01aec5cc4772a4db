import { describe, expect, it } from 'vitest';
import { progressDisplay, progressLine, throughput } from './progress-display.js';
import { aPendingJob, aRunningJob, aTrainingJob } from './training-job.builders.js';

describe('throughput', () => {
  it('measures SKUs per second since the job was first seen running, and the time left at that rate', () => {
    expect(throughput({ at: 1_000, done: 10 }, { at: 11_000, done: 60 }, 160)).toEqual({ rate: 5, etaSeconds: 20 });
    expect(throughput({ at: 1_000, done: 10 }, { at: 1_000, done: 10 }, 160)).toEqual({});
    expect(throughput({ at: 1_000, done: 10 }, { at: 9_000, done: 10 }, 160)).toEqual({});
  });
});

describe('progressLine', () => {
  it('shows done/total, percentage, rate, ETA and the forecast/skipped/failed counts', () => {
    const job = aTrainingJob({ status: 'running', progress: { total: 400, done: 100, forecast: 95, skipped: 4, failed: 1 } });
    expect(progressLine(job, { rate: 12.345, etaSeconds: 24.3 })).toBe('100/400 SKUs (25.0%) · 12.3 SKUs/s · ETA 24.3 s · forecast 95, skipped 4, failed 1');
    expect(progressLine(job, {})).toBe('100/400 SKUs (25.0%) · – SKUs/s · ETA – · forecast 95, skipped 4, failed 1');
  });
});

describe('progressDisplay', () => {
  it('without a terminal says once that it waits, then prints a line at most every 5 s', () => {
    let clock = 0;
    let stderr = '';
    const display = progressDisplay('lines', { stderr: (t) => (stderr += t), now: () => clock });
    display.update(aPendingJob());
    display.update(aPendingJob());
    const waitingForFeatures = aTrainingJob({
      status: 'running',
      progress: { total: 0, done: 0, forecast: 0 },
      summary: null,
      waitingForFeaturesSince: '2026-04-01T08:00:01.000Z',
    });
    display.update(waitingForFeatures);
    display.update(waitingForFeatures);
    display.update(aRunningJob(0, 100));
    clock = 2_000;
    display.update(aRunningJob(10, 100));
    clock = 5_000;
    display.update(aRunningJob(50, 100));
    display.stop();
    expect(stderr.split('\n')).toEqual([
      'waiting for the job to start…',
      'waiting for the features to include the latest sales…',
      '0/100 SKUs (0.0%) · – SKUs/s · ETA – · forecast 0, skipped 0, failed 0',
      '50/100 SKUs (50.0%) · 10.0 SKUs/s · ETA 5.0 s · forecast 50, skipped 0, failed 0',
      '',
    ]);
  });

  it('on a terminal draws a cli-progress bar with counts, rate and ETA', () => {
    let clock = 0;
    let stderr = '';
    const display = progressDisplay('bar', { stderr: (t) => (stderr += t), now: () => clock, columns: 200 });
    display.update(aRunningJob(0, 40));
    clock = 4_000;
    display.update(aTrainingJob({ status: 'running', progress: { total: 40, done: 20, forecast: 18, skipped: 1, failed: 1 }, summary: null }));
    display.stop();
    display.stop();
    // The bar redraws with cursor escapes; its last frame holds the latest state.
    expect(stderr).toContain('20/40 SKUs 50% | 5.0 SKUs/s | ETA 4.0 s | forecast 18 skipped 1 failed 1');
    expect(stderr.endsWith('\n')).toBe(true);
  });

  it('shows nothing in none mode', () => {
    let stderr = '';
    const display = progressDisplay('none', { stderr: (t) => (stderr += t), now: () => 0 });
    display.update(aPendingJob());
    display.update(aRunningJob(3));
    display.stop();
    expect(stderr).toBe('');
  });
});
