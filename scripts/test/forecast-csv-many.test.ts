import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const LENGTH = 70;
const NAMES = ['north', 'south', 'west'];

/** A daily series with a weekly pattern, a level per series and a deterministic wiggle, dated from 2026-01-01. */
function aSeries(level: number, length = LENGTH): { dates: string[]; values: number[] } {
  const pattern = [0, 4, 8, 12, 16, -16, -24];
  const dates = Array.from({ length }, (_, t) => new Date(Date.UTC(2026, 0, 1 + t)).toISOString().slice(0, 10));
  const values = Array.from({ length }, (_, t) => Math.round((level + 0.2 * t + pattern[t % 7]! + 2 * Math.sin(t * 1.3 + level)) * 10) / 10);
  return { dates, values };
}

const seriesByName = new Map(NAMES.map((name, i) => [name, aSeries(60 + 25 * i)]));
let dir: string;
let stores: string;
let long: string;

const csvOf = (s: { dates: string[]; values: number[] }) => `date,value\n${s.dates.map((d, i) => `${d},${s.values[i]}`).join('\n')}\n`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'forecast-csv-many-'));
  stores = join(dir, 'stores');
  await mkdir(stores);
  for (const [name, s] of seriesByName) await writeFile(join(stores, `${name}.csv`), csvOf(s));
  await writeFile(join(stores, 'README.txt'), 'not a series\n');
  // The same series in long format, rows sorted by date then series (interleaved), columns in another order.
  long = join(dir, 'long.csv');
  const rows = seriesByName.get('north')!.dates.flatMap((date, t) => NAMES.map((name) => `${seriesByName.get(name)!.values[t]},${name},${date}`));
  await writeFile(long, `value,series,date\n${rows.join('\n')}\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Line = { series: string; model: string; season: number; forecasts: { index: number; date: string; value: number; lower: number; upper: number }[] };
const linesOf = (stdout: string) =>
  stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Line);

describe('pnpm forecast-csv over many series', () => {
  it('forecasts every .csv of a directory, one JSON line per series in file-name order, each as the one-file form would', async () => {
    const many = await runCli('forecast-csv', [stores, '--season', '7', '--horizon', '5', '--json']);
    expect(many.code).toBe(0);
    const lines = linesOf(many.stdout);
    expect(lines.map((l) => l.series)).toEqual(['north', 'south', 'west']);
    for (const line of lines) {
      expect(line.forecasts.map((f) => f.index)).toEqual([70, 71, 72, 73, 74]);
      expect(line.forecasts.map((f) => f.date)).toEqual(['2026-03-12', '2026-03-13', '2026-03-14', '2026-03-15', '2026-03-16']);
    }
    const one = await runCli('forecast-csv', [join(stores, 'south.csv'), '--season', '7', '--horizon', '5', '--json']);
    expect(one.code).toBe(0);
    const { series, ...south } = lines[1]!;
    expect(series).toBe('south');
    expect(south).toEqual(JSON.parse(one.stdout));
  });

  it('reads a long-format file (series,date,value, interleaved) into the same series with the same forecasts', async () => {
    const fromDirectory = await runCli('forecast-csv', [stores, '--season', '7', '--horizon', '5', '--json']);
    const fromLong = await runCli('forecast-csv', [long, '--season', '7', '--horizon', '5', '--json']);
    expect(fromLong.code).toBe(0);
    expect(linesOf(fromLong.stdout)).toEqual(linesOf(fromDirectory.stdout));
  });

  it('with --holdout reports per series MASE, sMAPE and the share of held-out points inside the intervals', async () => {
    const k = 14;
    const run = await runCli('forecast-csv', [join(stores, 'north.csv'), join(stores, 'west.csv'), '--season', '7', '--holdout', String(k), '--json']);
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Line & { metrics: { mae: number; mase: number; smape: number; coverage: number } });
    expect(lines.map((l) => l.series)).toEqual(['north', 'west']);
    for (const line of lines) {
      const { values } = seriesByName.get(line.series)!;
      const actual = values.slice(-k);
      const training = values.slice(0, -k);
      const mae = line.forecasts.reduce((s, f, i) => s + Math.abs(f.value - actual[i]!), 0) / k;
      const scale = training.slice(7).reduce((s, v, t) => s + Math.abs(v - training[t]!), 0) / (training.length - 7);
      expect(line.metrics.mase).toBeCloseTo(mae / scale, 10);
      const inside = line.forecasts.filter((f, i) => actual[i]! >= f.lower && actual[i]! <= f.upper).length;
      expect(line.metrics.coverage).toBe(inside / k);
      expect(line.metrics.smape).toBeGreaterThan(0);
    }
  });

  it('prints a table and the means when not asked for JSON', async () => {
    const run = await runCli('forecast-csv', [stores, '--season', '7', '--holdout', '7']);
    expect(run.code).toBe(0);
    for (const name of NAMES) expect(run.stdout).toMatch(new RegExp(`^${name} +63 +\\S+ +\\d+\\.\\d{3} +\\d+\\.\\d +\\d+%$`, 'm'));
    expect(run.stdout).toMatch(/^3 series: mean MASE \d+\.\d{3}, mean sMAPE \d+\.\d%, 95% intervals covered \d+\.\d% of 21 held-out points$/m);
  });

  it('runs 60 series on the worker pool and keeps their order', async () => {
    const many = join(dir, 'many');
    await mkdir(many);
    const names = Array.from({ length: 60 }, (_, i) => `sku-${String(i).padStart(2, '0')}`);
    await Promise.all(names.map((name, i) => writeFile(join(many, `${name}.csv`), csvOf(aSeries(40 + i, 35)))));
    const run = await runCli('forecast-csv', [many, '--season', '7', '--holdout', '7', '--json', '--threads', '2']);
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { series: string; forecasts: unknown[]; metrics: { mase: number } });
    expect(lines.map((l) => l.series)).toEqual(names);
    for (const line of lines) {
      expect(line.forecasts).toHaveLength(7);
      expect(Number.isFinite(line.metrics.mase)).toBe(true);
    }
  });

  it('reports a series too short to forecast by name and exits 1, after forecasting the others', async () => {
    const mixed = join(dir, 'mixed');
    await mkdir(mixed);
    await writeFile(join(mixed, 'long-enough.csv'), csvOf(seriesByName.get('north')!));
    await writeFile(join(mixed, 'tiny.csv'), 'value\n1\n2\n');
    const run = await runCli('forecast-csv', [mixed, '--season', '7', '--horizon', '3', '--json']);
    expect(run.code).toBe(1);
    const [ok, tiny] = run.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(ok).toMatchObject({ series: 'long-enough' });
    expect((ok!.forecasts as unknown[]).length).toBe(3);
    expect(tiny).toEqual({ series: 'tiny', error: expect.stringMatching(/too short/) });
  });

  describe('bad input: a message naming the problem, exit code 2, nothing on stdout', () => {
    it('a directory or file that does not exist', async () => {
      const run = await runCli('forecast-csv', [stores, join(dir, 'no-such-dir'), '--season', '7', '--horizon', '3', '--json']);
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toMatch(/forecast-csv: cannot read .*no-such-dir: ENOENT/);
    });

    it('a malformed CSV anywhere in the directory, even after good ones', async () => {
      const bad = join(dir, 'bad');
      await mkdir(bad);
      await writeFile(join(bad, 'a-good.csv'), csvOf(seriesByName.get('north')!));
      await writeFile(join(bad, 'b-bad.csv'), 'value\n1\n2\nseven\n');
      const run = await runCli('forecast-csv', [bad, '--season', '7', '--horizon', '3', '--json']);
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toMatch(/forecast-csv: .*b-bad\.csv: line 4: "seven" is not a number/);
    });

    it('an unknown series column', async () => {
      const run = await runCli('forecast-csv', [long, '--series-column', 'sku', '--season', '7', '--horizon', '3']);
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toMatch(/long\.csv: no "sku" column to name the series by \(the header has: value, series, date\)/);
    });

    it('dates out of order within a series of a long-format file, a series named twice, an empty directory', async () => {
      const unordered = join(dir, 'unordered.csv');
      await writeFile(unordered, 'series,date,value\na,2026-01-02,1\nb,2026-01-01,2\na,2026-01-01,3\n');
      const run = await runCli('forecast-csv', [unordered, '--season', '1', '--horizon', '1']);
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toMatch(/line 4: series a: date 2026-01-01 does not come after 2026-01-02/);

      const twice = await runCli('forecast-csv', [stores, join(stores, 'north.csv'), '--season', '7', '--horizon', '3']);
      expect(twice).toMatchObject({ code: 2, stdout: '' });
      expect(twice.stderr).toMatch(/series "north" appears twice/);

      const empty = join(dir, 'empty');
      await mkdir(empty);
      expect(await runCli('forecast-csv', [empty, '--season', '7', '--horizon', '3'])).toMatchObject({
        code: 2,
        stdout: '',
        stderr: expect.stringMatching(/empty holds no \.csv files/),
      });
    });
  });
});
