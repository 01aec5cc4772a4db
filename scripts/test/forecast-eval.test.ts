import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

/**
 * Two yearly series of 16 values; M4 holds back the last 6 of a yearly series.
 * By hand, naive forecasts the last training value for all 6 points, and the
 * MASE scale is the mean absolute change over the 10 training values:
 *   a: forecast 25, errors 1 3 2 5 8 6 → MAE 25/6; changes 2 1 4 1 4 2 1 4 2 → scale 21/9; MASE 225/126
 *   b: forecast 9,  errors 1 1 2 2 3 3 → MAE 2;    changes 0 1 0 1 0 1 0 1 0 → scale 4/9;  MASE 4.5
 * Naive's 95% interval at step h is ±1.96·σ·√h, σ the root mean square change
 * (√7 for a, 2/3 for b): it holds all 6 of a's points and 5 of b's (b's 5th
 * error, 3, is beyond 1.96·(2/3)·√5 = 2.92).
 */
const A = [10, 12, 11, 15, 14, 18, 20, 19, 23, 25, 24, 28, 27, 30, 33, 31];
const B = [5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12];
const NAIVE_MASE = (225 / 126 + 4.5) / 2;
const NAIVE_COVERAGE = 11 / 12;

interface Summary {
  confidence: number;
  groups: {
    group: string;
    series: number;
    points: number;
    horizons: number[];
    methods: Record<string, { meanMase: number; meanSmape: number; coverage: number }>;
  }[];
  skipped: unknown[];
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'forecast-eval-'));
  await writeFile(join(dir, 'long.csv'), `series,value\n${A.map((v) => `a,${v}`).join('\n')}\n${B.map((v) => `b,${v}`).join('\n')}\n`);
  // The same series as M4-named files without dates: the frequency comes from the names.
  await mkdir(join(dir, 'm4'));
  await writeFile(join(dir, 'm4', 'Y1.csv'), `value\n${A.join('\n')}\n`);
  await writeFile(join(dir, 'm4', 'Y2.csv'), `value\n${B.join('\n')}\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pnpm forecast-eval', () => {
  it('scores naive exactly as by hand: mean MASE and coverage over the held-back points', async () => {
    const run = await runCli('forecast-eval', [join(dir, 'long.csv'), '--frequency', 'yearly', '--json']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as Summary;
    expect(summary.groups.map((g) => g.group)).toEqual(['yearly', 'overall']);
    const [yearly, overall] = summary.groups;
    expect(yearly).toMatchObject({ series: 2, points: 12, horizons: [6] });
    expect(yearly!.methods.naive!.meanMase).toBeCloseTo(NAIVE_MASE, 12);
    expect(yearly!.methods.naive!.coverage).toBeCloseTo(NAIVE_COVERAGE, 12);
    // With season 1 seasonal naive is naive.
    expect(yearly!.methods['seasonal-naive']).toEqual(yearly!.methods.naive);
    // sMAPE of naive on a: 100/6 · Σ |a − 25| / ((a + 25)/2)
    const smapeA = (100 / 6) * A.slice(10).reduce((s, a) => s + Math.abs(a - 25) / ((a + 25) / 2), 0);
    const smapeB = (100 / 6) * B.slice(10).reduce((s, b) => s + Math.abs(b - 9) / ((b + 9) / 2), 0);
    expect(yearly!.methods.naive!.meanSmape).toBeCloseTo((smapeA + smapeB) / 2, 10);
    // Drift on these steady climbs beats naive; the engine is scored on the same points.
    expect(yearly!.methods.drift!.meanMase).toBeLessThan(yearly!.methods.naive!.meanMase);
    expect(Number.isFinite(yearly!.methods.engine!.meanMase)).toBe(true);
    expect(overall!.methods).toEqual(yearly!.methods);
    expect(summary.skipped).toEqual([]);
  });

  it('reads the frequency from M4-style file names, and from dates', async () => {
    const byName = await runCli('forecast-eval', [join(dir, 'm4'), '--json']);
    expect(byName.code).toBe(0);
    const summary = JSON.parse(byName.stdout) as Summary;
    expect(summary.groups[0]).toMatchObject({ group: 'yearly', series: 2, horizons: [6] });
    expect(summary.groups[0]!.methods.naive!.meanMase).toBeCloseTo(NAIVE_MASE, 12);

    const monthly = join(dir, 'monthly.csv');
    const dates = Array.from({ length: 48 }, (_, t) => new Date(Date.UTC(2022, t, 1)).toISOString().slice(0, 10));
    await writeFile(monthly, `date,value\n${dates.map((d, t) => `${d},${100 + t + 10 * Math.sin((2 * Math.PI * t) / 12)}`).join('\n')}\n`);
    const byDates = await runCli('forecast-eval', [monthly, '--json']);
    expect(byDates.code).toBe(0);
    expect((JSON.parse(byDates.stdout) as Summary).groups[0]).toMatchObject({ group: 'monthly', series: 1, points: 18, horizons: [18] });
  });

  it('prints a table per frequency and overall, the engine beside the three benchmarks', async () => {
    const run = await runCli('forecast-eval', [join(dir, 'long.csv'), '--frequency', 'yearly', '--horizon', '6']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^frequency +series +h +method +mean MASE +mean sMAPE % +95% coverage$/);
    expect(lines[1]).toMatch(/^yearly +2 +6 +engine +\d+\.\d{3} +\d+\.\d{2} +\d+\.\d%$/);
    expect(lines[2]).toMatch(new RegExp(`^ +naive +${NAIVE_MASE.toFixed(3)} +\\d+\\.\\d{2} +91\\.7%$`));
    expect(lines[3]).toMatch(/^ +seasonal-naive +/);
    expect(lines[4]).toMatch(/^ +drift +/);
    expect(lines[5]).toMatch(/^overall +2 +6 +engine /);
  });

  describe('bad input: a message naming the problem, exit code 2, nothing on stdout', () => {
    it('a missing directory', async () => {
      const run = await runCli('forecast-eval', [join(dir, 'no-such-dir')]);
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toMatch(/forecast-eval: cannot read .*no-such-dir: ENOENT/);
    });

    it('a malformed CSV', async () => {
      const bad = join(dir, 'bad.csv');
      await writeFile(bad, 'series,value\na,1\na,"2\n');
      const run = await runCli('forecast-eval', [bad, '--frequency', 'yearly']);
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toMatch(/forecast-eval: .*bad\.csv: not a readable CSV/);
    });

    it('an unknown series column', async () => {
      const run = await runCli('forecast-eval', [join(dir, 'long.csv'), '--series-column', 'item', '--frequency', 'yearly']);
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toMatch(/no "item" column/);
    });

    it('a series whose frequency cannot be told, or an unknown frequency', async () => {
      const run = await runCli('forecast-eval', [join(dir, 'long.csv')]);
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toMatch(/series "a": no dates to tell its frequency from .*give --frequency/);
      const unknown = await runCli('forecast-eval', [join(dir, 'long.csv'), '--frequency', 'hourly']);
      expect(unknown).toMatchObject({ code: 2, stdout: '' });
      expect(unknown.stderr).toMatch(/--frequency.*hourly.*invalid/i);
    });
  });
});
