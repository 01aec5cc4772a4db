import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runForecastCsv } from './cli.js';

const PATTERN = [0, 6, 12, 18, 24, -24, -36];
const LENGTH = 126;

/** A weekly seasonal series with a mild trend and deterministic wiggle, dated daily from 2026-01-01. */
function seasonalFixture(): { dates: string[]; values: number[] } {
  const dates = Array.from({ length: LENGTH }, (_, t) => new Date(Date.UTC(2026, 0, 1 + t)).toISOString().slice(0, 10));
  const values = Array.from({ length: LENGTH }, (_, t) => Math.round((100 + 0.25 * t + PATTERN[t % 7]! + 3 * Math.sin(t * 1.7)) * 10) / 10);
  return { dates, values };
}

let dir: string;
let csv: string;
const fixture = seasonalFixture();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'forecast-csv-'));
  csv = join(dir, 'sales.csv');
  await writeFile(csv, `date,value\n${fixture.dates.map((d, i) => `${d},${fixture.values[i]}`).join('\n')}\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runForecastCsv(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('forecast-csv', () => {
  it('--json prints one object: model, season and dated forecasts past the end with intervals', async () => {
    const { code, stdout } = await run(csv, '--season', '7', '--horizon', '5', '--json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(out).sort()).toEqual(['forecasts', 'model', 'season']);
    expect(out.season).toBe(7);
    expect(typeof out.model).toBe('string');
    const forecasts = out.forecasts as { index: number; date: string; value: number; lower: number; upper: number }[];
    expect(forecasts.map((f) => f.index)).toEqual([126, 127, 128, 129, 130]);
    expect(forecasts.map((f) => f.date)).toEqual(['2026-05-07', '2026-05-08', '2026-05-09', '2026-05-10', '2026-05-11']);
    for (const f of forecasts) {
      expect(Object.keys(f).sort()).toEqual(['date', 'index', 'lower', 'upper', 'value']);
      expect(f.lower).toBeLessThanOrEqual(f.value);
      expect(f.upper).toBeGreaterThanOrEqual(f.value);
    }
  });

  it('with --holdout k forecasts exactly the withheld points and measures MAE/RMSE/MASE/sMAPE against them', async () => {
    const k = 7;
    const { code, stdout } = await run(csv, '--season', '7', '--holdout', String(k), '--confidence', '0.8', '--json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as {
      forecasts: { index: number; date: string; value: number }[];
      metrics: { mae: number; rmse: number; mase: number; smape: number };
    };
    expect(out.forecasts.map((f) => f.index)).toEqual([119, 120, 121, 122, 123, 124, 125]);
    expect(out.forecasts.map((f) => f.date)).toEqual(fixture.dates.slice(-k));
    // recompute the metrics by hand from the printed forecasts and the withheld actuals
    const actual = fixture.values.slice(-k);
    const errors = out.forecasts.map((f, i) => f.value - actual[i]!);
    const mae = errors.reduce((s, e) => s + Math.abs(e), 0) / k;
    const training = fixture.values.slice(0, -k);
    const naive = training.slice(7).map((v, t) => Math.abs(v - training[t]!));
    expect(out.metrics.mae).toBeCloseTo(mae, 10);
    expect(out.metrics.rmse).toBeCloseTo(Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / k), 10);
    expect(out.metrics.mase).toBeCloseTo(mae / (naive.reduce((a, b) => a + b, 0) / naive.length), 10);
    const smape = (100 / k) * out.forecasts.reduce((s, f, i) => s + Math.abs(f.value - actual[i]!) / ((Math.abs(actual[i]!) + Math.abs(f.value)) / 2), 0);
    expect(out.metrics.smape).toBeCloseTo(smape, 10);
    // a seasonal series this regular is forecast far better than seasonal naive
    expect(out.metrics.mase).toBeLessThan(1);
  });

  it('prints the model, why, every candidate MASE, the forecasts and the holdout accuracy as text', async () => {
    const { code, stdout } = await run(csv, '--season', '7', '--holdout', '7');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^model: \S+$/m);
    expect(stdout).toMatch(/^why: {3}\S+ had the lowest mean backtest MASE/m);
    for (const name of ['seasonal-naive', 'moving-average', 'drift', 'ets', 'theta', 'linear-regression']) {
      expect(stdout).toMatch(new RegExp(`^ {2}[ *] ${name} +\\d+\\.\\d{3}$`, 'm'));
    }
    expect(stdout).toMatch(/holdout accuracy over 7 points: MAE \d+\.\d\d {2}RMSE \d+\.\d\d {2}MASE \d\.\d{3} {2}sMAPE \d+\.\d%/);
  });

  it('reads one number per line', async () => {
    const plain = join(dir, 'plain.csv');
    await writeFile(plain, `${fixture.values.join('\n')}\n`);
    const { code, stdout } = await run(plain, '--season', '7', '--horizon', '2', '--json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as { forecasts: Record<string, unknown>[] };
    expect(out.forecasts.map((f) => f.index)).toEqual([126, 127]);
    expect(out.forecasts[0]).not.toHaveProperty('date');
  });

  it('exits 2 with a clear message on bad input', async () => {
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'value\n1\n2\nseven\n');
    expect(await run(bad, '--season', '7', '--horizon', '3')).toMatchObject({ code: 2, stderr: 'forecast-csv: line 4: "seven" is not a number\n' });
    expect(await run(join(dir, 'missing.csv'), '--season', '7', '--horizon', '3')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/cannot read .*missing\.csv: ENOENT/),
    });
    expect(await run(csv, '--season', '7')).toMatchObject({ code: 2, stderr: expect.stringMatching(/give --horizon/) });
    expect(await run(csv, '--season', 'weekly', '--horizon', '3')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--season <m>.*whole number/) });
    expect(await run(csv, '--season', '7', '--horizon', '3', '--confidence', '95')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/between 0 and 1/),
    });
    expect(await run(csv, '--season', '7', '--holdout', '126')).toMatchObject({ code: 2, stderr: expect.stringMatching(/leaves no training data/) });
    expect(await run(csv, '--season', '7', '--horizon', '3', '--holdout', '5')).toMatchObject({ code: 2, stderr: expect.stringMatching(/disagree/) });
    const short = join(dir, 'short.csv');
    await writeFile(short, '1\n2\n3\n');
    expect(await run(short, '--season', '7', '--horizon', '3')).toMatchObject({ code: 2, stderr: expect.stringMatching(/too short/) });
  });

  it('exits 2 as a process too (the command behind pnpm forecast-csv)', async () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const tsx = join(root, 'node_modules', '.bin', 'tsx');
    const bad = join(dir, 'bad-process.csv');
    await writeFile(bad, 'a,b\n1,2\n');
    const failure = await promisify(execFile)(tsx, ['--conditions=source', 'scripts/forecast-csv.ts', bad, '--season', '7', '--horizon', '3'], {
      cwd: root,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(failure.code).toBe(2);
    expect(failure.stderr).toMatch(/"value" column/);
  });
});
