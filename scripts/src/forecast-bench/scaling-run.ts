import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { addUtcDays, type DayKey } from '@icc/shared';
import type { Db } from 'mongodb';
import {
  type ForecastOutcome,
  type ForecastSettings,
  type ForecastTaskItem,
  type ForecastPool,
  storeForecasts,
  type ForecastBatchContext,
  ensureAnalyticsIndexes,
} from '@icc/service-analytics/testing';
import { AccuracyTally, type AccuracyReport } from './accuracy-tally.js';
import { benchCalendar, generateSku, type BenchCalendar, type DemandShape, type GeneratedCampaign } from './demand-generator.js';
import { forecastItemOf } from './feature-stage.js';
import { watchResources, type RunResources } from './resources.js';
import { StageClock } from './stage-clock.js';

export interface ScalingRunOptions {
  skus: number;
  days: number;
  horizon: number;
  seed: number;
  lastDay: DayKey;
  onProgress?: (stored: number) => void;
}

export interface ScalingResult {
  skus: number;
  /** Busy seconds per stage (they overlap) and the run's wall time. */
  seconds: { generate: number; features: number; forecast: number; persist: number; total: number; product: number };
  /** SKUs per second over the product's time (total minus generating the input). */
  skusPerSecond: number;
  accuracy: AccuracyReport;
  resources: RunResources;
}

/** SKUs whose features are built before their chunk goes to the pool; two chunks in flight bound the memory. */
const CHUNK_SKUS = 500;
const CHUNKS_IN_FLIGHT = 2;
/** SKUs per pool task: a thread hop is paid per task, and 20 tasks per chunk keep every thread busy. */
const TASK_SKUS = 25;
/** SKUs per `storeForecasts` call: the runner's default chunk. */
const STORE_SKUS = 200;
/** Feature rows are built in groups this size, then the event loop turns so pool results and writes are not held up. */
const FEATURE_GROUP = 25;
const SETTINGS = { season: 7, confidence: 0.95 } as const;

/**
 * One scaling run: `skus` generated histories streamed through the feature
 * function (this thread), forecasting on the pool, and `storeForecasts` into
 * the engine, chunk by chunk. The next chunk's features are built while the
 * pool forecasts and the previous chunk is stored, as the consumer's feature
 * work and a forecast job run side by side in production.
 */
export async function runScaling(db: Db, pool: ForecastPool, enginePid: number | undefined, options: ScalingRunOptions): Promise<ScalingResult> {
  await ensureAnalyticsIndexes(db);
  const calendar = benchCalendar(options.lastDay, options.days, options.horizon);
  const settings: ForecastSettings = { ...SETTINGS, horizon: options.horizon };
  const clocks = { generate: new StageClock(), features: new StageClock(), forecast: new StageClock(), persist: new StageClock() };
  const tally = new AccuracyTally();
  const context: Omit<ForecastBatchContext, 'averageDiscount'> = {
    tenantId: 'bench',
    jobId: `bench-${options.skus}`,
    jobCreatedAt: new Date(),
    forecastDate: addUtcDays(options.lastDay, 1),
    horizon: options.horizon,
    trainedAt: new Date(),
  };
  let stored = 0;
  // One write at a time, in order, as the runner stores: the engine is a single event loop too.
  let storing: Promise<void> = Promise.resolve();

  const resources = watchResources(enginePid);
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let first = 0; first < options.skus; first += CHUNK_SKUS) {
    const chunk = await buildChunk(options.seed, first, Math.min(options.skus, first + CHUNK_SKUS), calendar, clocks);
    const outcomes = forecastOnPool(pool, chunk.items, settings, clocks.forecast);
    inFlight.push(
      outcomes.then((done) => {
        tally.add(done, (sku) => chunk.shapes.get(sku)!);
        const forecasted = done.filter((o): o is Extract<ForecastOutcome, { status: 'forecast' }> => o.status === 'forecast');
        storing = storing.then(async () => {
          for (let i = 0; i < forecasted.length; i += STORE_SKUS) {
            const batch = forecasted.slice(i, i + STORE_SKUS);
            await clocks.persist.timeAsync(() => storeForecasts(db, { ...context, averageDiscount: chunk.averageDiscount }, batch));
            stored += batch.length;
            options.onProgress?.(stored);
          }
        });
        return storing;
      }),
    );
    if (inFlight.length >= CHUNKS_IN_FLIGHT) await inFlight.shift();
  }
  await Promise.all(inFlight);
  const total = (performance.now() - started) / 1000;
  const used = resources.stop();

  const product = total - clocks.generate.seconds;
  return {
    skus: options.skus,
    seconds: {
      generate: clocks.generate.seconds,
      features: clocks.features.seconds,
      forecast: clocks.forecast.seconds,
      persist: clocks.persist.seconds,
      total,
      product,
    },
    skusPerSecond: options.skus / product,
    accuracy: tally.report(),
    resources: used,
  };
}

interface Chunk {
  items: ForecastTaskItem[];
  shapes: Map<string, DemandShape>;
  averageDiscount: Map<string, number>;
}

/** Generate SKUs [from, to) and build their forecast inputs through the feature function, each step timed. */
async function buildChunk(
  seed: number,
  from: number,
  to: number,
  calendar: BenchCalendar,
  clocks: Record<'generate' | 'features', StageClock>,
): Promise<Chunk> {
  const chunk: Chunk = { items: [], shapes: new Map(), averageDiscount: new Map() };
  for (let index = from; index < to; index += 1) {
    const generated = clocks.generate.time(() => generateSku(seed, index, calendar));
    chunk.items.push(clocks.features.time(() => forecastItemOf(generated, calendar)));
    chunk.shapes.set(generated.sku, generated.shape);
    const discount = averageDiscount(generated.campaigns, calendar.days.length);
    if (discount !== undefined) chunk.averageDiscount.set(generated.sku, discount);
    if ((index - from) % FEATURE_GROUP === FEATURE_GROUP - 1) await yieldToEventLoop();
  }
  return chunk;
}

/** The chunk as tasks of a few SKUs each, all queued at once so no thread waits for work. */
async function forecastOnPool(
  pool: ForecastPool,
  items: readonly ForecastTaskItem[],
  settings: ForecastSettings,
  clock: StageClock,
): Promise<ForecastOutcome[]> {
  const tasks: Promise<ForecastOutcome[]>[] = [];
  for (let i = 0; i < items.length; i += TASK_SKUS) {
    tasks.push(clock.timeAsync(() => pool.run({ items: items.slice(i, i + TASK_SKUS), settings })));
  }
  return (await Promise.all(tasks)).flat();
}

/**
 * The mean discount of a SKU's campaigns that started in its history,
 * weighted by their length: what the runner derives from the campaign mirror
 * (its `averageDiscounts`) for the stored campaign effect.
 */
function averageDiscount(campaigns: readonly GeneratedCampaign[], historyDays: number): number | undefined {
  let weighted = 0;
  let days = 0;
  for (const c of campaigns) {
    if (c.firstDay >= historyDays) continue;
    const length = c.lastDay - c.firstDay + 1;
    weighted += c.discountPercent * length;
    days += length;
  }
  return days > 0 ? weighted / days : undefined;
}
