/**
 * Write reproducible generated series as one CSV per series (date,value), for
 * `pnpm forecast-csv <dir>` and `pnpm forecast-eval <dir>` benchmarks:
 *
 *   pnpm bench:generate-series --out /tmp/series-daily --frequency daily --count 1000 [--seed 1] [--length 730]
 *
 * Shapes and lengths: src/series-set/generate-series.ts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { FREQUENCIES, type Frequency } from '../src/forecast-eval/frequency.js';
import { generateSeries } from '../src/series-set/generate-series.js';

const program = new Command('generate-series')
  .requiredOption('--out <dir>', 'directory to write into (created)')
  .addOption(new Option('--frequency <f>', 'frequency').choices(FREQUENCIES).makeOptionMandatory())
  .option('--count <n>', 'series', Number, 1000)
  .option('--seed <n>', 'random seed', Number, 1)
  .option('--length <n>', 'values per series (default by frequency)', Number)
  .parse();
const options = program.opts<{ out: string; frequency: Frequency; count: number; seed: number; length?: number }>();
await mkdir(options.out, { recursive: true });
const series = generateSeries(options.frequency, options.count, options.seed, ...(options.length === undefined ? [] : [options.length]));
for (const s of series) {
  await writeFile(join(options.out, `${s.name}.csv`), `date,value\n${s.values.map((v, t) => `${s.dates![t]},${v}`).join('\n')}\n`);
}
process.stdout.write(`${series.length} ${options.frequency} series of ${series[0]?.values.length ?? 0} values in ${options.out}\n`);
