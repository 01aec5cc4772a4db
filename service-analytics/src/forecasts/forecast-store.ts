import { addUtcDays, type DayKey } from '@icc/shared';
import type { AnyBulkWriteOperation, Db, Filter, UpdateFilter } from 'mongodb';
import { bulkWriteIgnoringDuplicates } from '../util/bulk-writes.js';
import { FORECAST_COLLECTIONS, type CampaignEffect, type ForecastDocument, type LatestForecastDocument, type MlModelDocument } from './forecast-collections.js';
import type { ForecastOutcome } from './forecast-compute.js';

type Forecasted = Extract<ForecastOutcome, { status: 'forecast' }>;

/** What the store needs to know of the job that made the forecasts. */
export interface ForecastBatchContext {
  tenantId: string;
  jobId: string;
  /** The job's creation time: orders jobs, so an older job resumed late never replaces a newer job's forecast. */
  jobCreatedAt: Date;
  forecastDate: DayKey;
  horizon: number;
  trainedAt: Date;
  /** Mean discount of the campaigns each SKU had (for its campaign effect); absent: none. */
  averageDiscount: ReadonlyMap<string, number>;
}

/**
 * Store a batch of SKU forecasts: one model document and one forecast document
 * per SKU (ids derived from job and SKU, so a job resumed after a crash
 * rewrites the same documents), then move each SKU's `latestForecasts`
 * pointer to them — only forward: a pointer already on a newer job stays.
 * Every write is an idempotent single-document upsert; no transaction is
 * needed, and readers never see a pointer to a document not yet written.
 */
export async function storeForecasts(db: Db, context: ForecastBatchContext, outcomes: readonly Forecasted[]): Promise<void> {
  if (outcomes.length === 0) return;
  const { tenantId } = context;
  const pointers = await db
    .collection<LatestForecastDocument>(FORECAST_COLLECTIONS.latestForecasts)
    .find({ _id: { $in: outcomes.map((o) => `${tenantId}:${o.sku}`) } }, { projection: { sku: 1, version: 1, forecastId: 1 } })
    .toArray();
  const previous = new Map(pointers.map((p) => [p.sku, p]));

  const models: MlModelDocument[] = [];
  const forecasts: ForecastDocument[] = [];
  const latest: LatestForecastDocument[] = [];
  for (const outcome of outcomes) {
    const forecastId = `${context.jobId}:${outcome.sku}`;
    const before = previous.get(outcome.sku);
    // Resumed: the pointer already names this job's forecast, whose version was given then.
    const version = before === undefined ? 1 : before.forecastId === forecastId ? before.version : before.version + 1;
    const model = modelDocument(context, outcome, version);
    const forecast = forecastDocument(context, outcome, forecastId, model._id);
    models.push(model);
    forecasts.push(forecast);
    latest.push({
      _id: `${tenantId}:${outcome.sku}`,
      tenantId,
      sku: outcome.sku,
      forecastId,
      modelId: model._id,
      modelType: model.modelType,
      version,
      backtestMase: model.backtest.mase,
      forecastDate: context.forecastDate,
      createdAt: context.jobCreatedAt,
    });
  }
  await db.collection<MlModelDocument>(FORECAST_COLLECTIONS.mlModels).bulkWrite(
    models.map((doc) => ({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } })),
    { ordered: false },
  );
  await db.collection<ForecastDocument>(FORECAST_COLLECTIONS.forecasts).bulkWrite(
    forecasts.map((doc) => ({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } })),
    { ordered: false },
  );
  await bulkWriteIgnoringDuplicates(db.collection<LatestForecastDocument>(FORECAST_COLLECTIONS.latestForecasts), latest.map(forwardOnly));
}

/** Upsert the pointer unless it is on a newer job: then the filter misses, the upsert collides on `_id`, and that duplicate is ignored. */
function forwardOnly(pointer: LatestForecastDocument): AnyBulkWriteOperation<LatestForecastDocument> {
  const { _id, ...fields } = pointer;
  const filter: Filter<LatestForecastDocument> = { _id, createdAt: { $lte: pointer.createdAt } };
  const update: UpdateFilter<LatestForecastDocument> = { $set: fields };
  return { updateOne: { filter, update, upsert: true } };
}

function modelDocument(context: ForecastBatchContext, outcome: Forecasted, version: number): MlModelDocument {
  const { forecast } = outcome;
  const chosen = forecast.backtest.candidates.find((c) => c.model === forecast.model);
  const discount = context.averageDiscount.get(outcome.sku);
  const campaignEffect: CampaignEffect | null =
    outcome.campaignLift && discount !== undefined && discount > 0
      ? { lift: outcome.campaignLift.lift, campaignDays: outcome.campaignLift.campaignDays, averageDiscountPercent: discount }
      : null;
  return {
    _id: `${context.tenantId}:${outcome.sku}:${context.jobId}`,
    tenantId: context.tenantId,
    sku: outcome.sku,
    version,
    modelType: forecast.model,
    trainedAt: context.trainedAt,
    jobId: context.jobId,
    demandClass: forecast.demand.demandClass,
    parameters: forecast.params ?? {},
    weights: forecast.weights ?? null,
    members: forecast.members ?? null,
    backtest: {
      windows: forecast.backtest.windows,
      mase: chosen?.mase ?? null,
      mae: chosen?.mae ?? null,
      candidates: forecast.backtest.candidates.map((c) => ({ ...c, model: c.model })),
    },
    campaignEffect,
  };
}

function forecastDocument(context: ForecastBatchContext, outcome: Forecasted, forecastId: string, modelId: string): ForecastDocument {
  const { forecast } = outcome;
  return {
    _id: forecastId,
    tenantId: context.tenantId,
    sku: outcome.sku,
    locationCode: null,
    jobId: context.jobId,
    modelId,
    modelType: forecast.model,
    forecastDate: context.forecastDate,
    horizon: context.horizon,
    confidence: forecast.confidence,
    predictions: forecast.forecasts.map((p, k) => ({ date: addUtcDays(context.forecastDate, k), quantity: p.value, lower: p.lower, upper: p.upper })),
    intervals: outcome.intervals,
    demandClass: forecast.demand.demandClass,
    reason: forecast.reason,
    maseScale: outcome.maseScale,
    createdAt: context.jobCreatedAt,
    scoredDays: 0,
    fullyScored: false,
  };
}
