import { isDuplicateKeyError, TrainRequestSchema, utcDayKey, type DayKey } from '@icc/shared';
import type { Db } from 'mongodb';
import { backorderedBySkuLocation, type BackorderMirrorDoc } from '../facts/backorder-mirror.js';
import { FACT_COLLECTIONS } from '../facts/fact-collections.js';
import type { StockReadModelDoc } from '../facts/reference-mirror.js';
import { FORECAST_COLLECTIONS, type LatestForecastDocument, type TrainingJobDocument } from '../forecasts/forecast-collections.js';
import { createTrainingJob } from '../forecasts/training-jobs.js';
import { planningSettingsOf } from './planning-settings.js';
import { PLANNING_COLLECTIONS } from './planning.collections.js';
import type { PlanningPairDocument, PlanningRunDocument, PlanningWatcherDocument } from './planning.types.js';
import { planningRunsOf, runDocument } from './planning-runs.js';

/**
 * What starts planning runs besides the API: a stock change that takes a
 * pair below its reorder point, a finished forecast job, and the daily
 * schedule. Each is idempotent, so the worker may call them as often as it likes.
 */

/** Stock rows one look reads at most. */
const STOCK_BATCH = 5_000;
/**
 * The watcher looks this far behind its bookmark: `updatedAt` is the source's
 * time, and a row can reach the read model a little after a newer one did.
 * A pair seen twice is harmless (its trigger merges into the pending run).
 */
const STOCK_LOOKBACK_MS = 30_000;
/** Finished forecast jobs younger than this re-plan their SKUs. */
const FORECAST_JOB_WINDOW_MS = 24 * 3_600_000;
/** A forecast older than this is refreshed before the scheduled run. */
const STALE_FORECAST_MS = 24 * 3_600_000;

/**
 * Ask for a TRIGGERED run of these pairs: merged into the tenant's pending
 * triggered run when there is one (a burst of stock changes becomes one run),
 * else a new one. A merged run plans its SKUs at its locations: a few more
 * pairs than asked, never fewer.
 */
export async function requestTriggeredRun(
  db: Db,
  tenantId: string,
  pairs: readonly { sku: string; locationCode: string }[],
  reason: string,
  now: Date,
): Promise<void> {
  const skus = [...new Set(pairs.map((p) => p.sku))].sort();
  const locationCodes = [...new Set(pairs.map((p) => p.locationCode))].sort();
  const merged = await planningRunsOf(db).updateOne(
    {
      tenantId,
      kind: 'TRIGGERED',
      status: 'pending',
      forecastJobId: null,
      'parameters.skus': { $type: 'array' },
      'parameters.locationCodes': { $type: 'array' },
    },
    { $addToSet: { 'parameters.skus': { $each: skus }, 'parameters.locationCodes': { $each: locationCodes } } },
  );
  if (merged.matchedCount > 0) return;
  await planningRunsOf(db).insertOne(runDocument(tenantId, { kind: 'TRIGGERED', reason, skus, locationCodes }, now));
}

/** Rows changed after `since` of a collection with `updatedAt`, oldest first, at most one batch. */
async function changedSince<T extends { updatedAt: Date }>(db: Db, collection: string, since: Date): Promise<T[]> {
  return (await db
    .collection(collection)
    .find({ updatedAt: { $gt: since } })
    .sort({ updatedAt: 1 })
    .limit(STOCK_BATCH)
    .toArray()) as unknown as T[];
}

/** A pair's key as the stock read model and `planningPairs` spell it. */
function pairId(tenantId: string, sku: string, locationCode: string): string {
  return `${tenantId}:${sku}:${locationCode}`;
}

/**
 * Look at the positions changed since the last look — stock rows, and sales
 * orders whose back-ordered lines changed (a back-order lowers the position
 * without touching stock): a pair whose position (on hand − reserved + in
 * transit + on order + accepted not yet ordered − back-ordered) is now at or
 * below the reorder point its last run computed, having been above it then,
 * gets a TRIGGERED run. Pairs never planned wait for the next scheduled or
 * manual run. Answers how many pairs it triggered.
 */
export async function watchStock(db: Db, now: Date): Promise<number> {
  const watchers = db.collection<PlanningWatcherDocument>(PLANNING_COLLECTIONS.planningWatchers);
  const bookmark = await watchers.findOne({ _id: 'stock' });
  if (!bookmark) {
    // First look: start from now (everything older is the next full run's business).
    await watchers.updateOne({ _id: 'stock' }, { $set: { stockSeenUntil: now, backordersSeenUntil: now } }, { upsert: true });
    return 0;
  }
  const stockSince = new Date(bookmark.stockSeenUntil.getTime() - STOCK_LOOKBACK_MS);
  // A bookmark from before back-orders were watched starts them where the stock is.
  const backordersSince = new Date((bookmark.backordersSeenUntil ?? bookmark.stockSeenUntil).getTime() - STOCK_LOOKBACK_MS);
  const [changedStock, changedBackorders] = await Promise.all([
    changedSince<StockReadModelDoc>(db, FACT_COLLECTIONS.stockReadModel, stockSince),
    changedSince<BackorderMirrorDoc>(db, FACT_COLLECTIONS.backordersMirror, backordersSince),
  ]);
  if (changedStock.length === 0 && changedBackorders.length === 0) return 0;

  const stockById = new Map(changedStock.map((s) => [s._id, s]));
  const backorderedPairs = changedBackorders.flatMap((order) => order.lines.map((line) => pairId(order.tenantId, line.sku, order.locationCode)));
  const missing = [...new Set(backorderedPairs)].filter((id) => !stockById.has(id));
  if (missing.length > 0) {
    const rows = await db
      .collection<StockReadModelDoc>(FACT_COLLECTIONS.stockReadModel)
      .find({ _id: { $in: missing } })
      .toArray();
    for (const row of rows) stockById.set(row._id, row);
  }
  const pairs = await db
    .collection<PlanningPairDocument>(PLANNING_COLLECTIONS.planningPairs)
    .find({ _id: { $in: [...stockById.keys()] } })
    .toArray();
  const planned = new Map(pairs.map((p) => [p._id, p]));
  const backOrdered = await backorderedOfPlanned(
    db,
    [...stockById.values()].filter((s) => planned.has(s._id)),
  );

  const below = new Map<string, { sku: string; locationCode: string }[]>();
  for (const stock of stockById.values()) {
    const pair = planned.get(stock._id);
    if (!pair) continue;
    const position =
      stock.onHand -
      stock.reserved +
      stock.inTransit +
      stock.onOrder +
      pair.acceptedOpen -
      (backOrdered.get(stock.tenantId)?.get(`${stock.sku}\u0000${stock.locationCode}`) ?? 0);
    if (position > pair.reorderPoint || pair.inventoryPosition <= pair.reorderPoint) continue;
    below.set(stock.tenantId, [...(below.get(stock.tenantId) ?? []), { sku: stock.sku, locationCode: stock.locationCode }]);
  }
  for (const [tenantId, list] of below) {
    await requestTriggeredRun(
      db,
      tenantId,
      list,
      `stock fell to or below the reorder point: ${list
        .slice(0, 5)
        .map((p) => `${p.sku}@${p.locationCode}`)
        .join(', ')}${list.length > 5 ? ` and ${list.length - 5} more` : ''}`,
      now,
    );
  }
  const seen: Partial<Pick<PlanningWatcherDocument, 'stockSeenUntil' | 'backordersSeenUntil'>> = {};
  const newestStock = changedStock.at(-1)?.updatedAt;
  if (newestStock && newestStock > bookmark.stockSeenUntil) seen.stockSeenUntil = newestStock;
  const newestBackorder = changedBackorders.at(-1)?.updatedAt;
  if (newestBackorder && newestBackorder > (bookmark.backordersSeenUntil ?? bookmark.stockSeenUntil)) seen.backordersSeenUntil = newestBackorder;
  if (Object.keys(seen).length > 0) await watchers.updateOne({ _id: 'stock' }, { $set: seen });
  return [...below.values()].reduce((n, list) => n + list.length, 0);
}

/** Back-ordered quantity per tenant, then per `${sku}\u0000${locationCode}`, of the given stock rows' SKUs. */
async function backorderedOfPlanned(db: Db, rows: readonly StockReadModelDoc[]): Promise<Map<string, Map<string, number>>> {
  const skusByTenant = new Map<string, Set<string>>();
  for (const row of rows) skusByTenant.set(row.tenantId, (skusByTenant.get(row.tenantId) ?? new Set()).add(row.sku));
  const entries = await Promise.all(
    [...skusByTenant].map(async ([tenantId, skus]) => [tenantId, await backorderedBySkuLocation(db, tenantId, [...skus])] as const),
  );
  return new Map(entries);
}

/**
 * Every forecast job finished in the last day re-plans its SKUs, once (a
 * unique index on the run's `forecastJobId`), except the job a SCHEDULED run
 * asked for: that run plans after it anyway. Answers how many runs it queued.
 */
export async function watchForecastJobs(db: Db, now: Date): Promise<number> {
  const jobs = await db
    .collection<TrainingJobDocument>(FORECAST_COLLECTIONS.trainingJobs)
    .find(
      { status: 'completed', completedAt: { $gte: new Date(now.getTime() - FORECAST_JOB_WINDOW_MS) } },
      { projection: { tenantId: 1, request: 1, progress: 1 } },
    )
    .toArray();
  let queued = 0;
  for (const job of jobs) {
    if (job.progress.forecast === 0) continue;
    const runs = planningRunsOf(db);
    if (await runs.findOne({ tenantId: job.tenantId, $or: [{ forecastJobId: job._id }, { awaitForecastJobId: job._id }] }, { projection: { _id: 1 } }))
      continue;
    const run = runDocument(
      job.tenantId,
      { kind: 'TRIGGERED', reason: `forecast job ${job._id} finished`, skus: job.request.skus, locationCodes: null, forecastJobId: job._id },
      now,
    );
    if (await insertOnce(db, run)) queued += 1;
  }
  return queued;
}

/**
 * The daily SCHEDULED run of every tenant with stock, at its settings' time
 * (UTC), once per day (a unique index on the day). When the tenant's newest
 * forecast is older than a day, a forecast job is queued first and the run
 * waits for it. Answers the training jobs it queued (so the caller can wake
 * the forecast runner).
 */
export async function scheduleDailyRuns(db: Db, now: Date): Promise<number> {
  const today: DayKey = utcDayKey(now);
  const time = now.toISOString().slice(11, 16);
  const tenants: string[] = await db.collection<StockReadModelDoc>(FACT_COLLECTIONS.stockReadModel).distinct('tenantId', {});
  let trainingJobs = 0;
  for (const tenantId of tenants) {
    const settings = await planningSettingsOf(db, tenantId);
    if (!settings.schedule.enabled || time < settings.schedule.timeOfDay) continue;
    if (await planningRunsOf(db).findOne({ tenantId, scheduledFor: today }, { projection: { _id: 1 } })) continue;
    const newest = await db.collection<LatestForecastDocument>(FORECAST_COLLECTIONS.latestForecasts).find({ tenantId }).sort({ createdAt: -1 }).limit(1).next();
    let awaitForecastJobId: string | null = null;
    if (!newest || newest.createdAt.getTime() < now.getTime() - STALE_FORECAST_MS) {
      awaitForecastJobId = (await createTrainingJob(db, tenantId, TrainRequestSchema.parse({}), now))._id;
      trainingJobs += 1;
    }
    const reason = `daily schedule at ${settings.schedule.timeOfDay} UTC${awaitForecastJobId ? `, after forecast job ${awaitForecastJobId}` : ''}`;
    await insertOnce(db, runDocument(tenantId, { kind: 'SCHEDULED', reason, skus: null, locationCodes: null, scheduledFor: today, awaitForecastJobId }, now));
  }
  return trainingJobs;
}

async function insertOnce(db: Db, run: PlanningRunDocument): Promise<boolean> {
  try {
    await planningRunsOf(db).insertOne(run);
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}
