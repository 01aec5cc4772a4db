import type { DayKey, ForecastModelName, TrainingJobStatus, TrainingJobSummary } from '@icc/shared';
import type { Db } from 'mongodb';

/**
 * Collections of stored forecasting, in the
 * analytics database. Forecasts are computed by jobs and served from here;
 * nothing in this folder trains on a read.
 */
export const FORECAST_COLLECTIONS = {
  trainingJobs: 'trainingJobs',
  /** One document per trained model version of a SKU (one per job that forecast it). */
  mlModels: 'mlModels',
  /** One document per SKU per job: predictions with intervals at several confidences. */
  forecasts: 'forecasts',
  /** Per SKU: its newest forecast and the model that made it (the active one). Only moves forward. */
  latestForecasts: 'latestForecasts',
  /** Stored forecasts scored against the actuals that arrived after them. */
  modelPerformance: 'modelPerformance',
  /** Per tenant: the median campaign lift over SKUs that had campaigns (what-if's fallback). */
  campaignEffects: 'campaignEffects',
  /** Events for the operational service's live hub to publish (see live-outbox.ts). */
  liveOutbox: 'liveOutbox',
} as const;

export interface TrainingJobDocument {
  _id: string;
  tenantId: string;
  status: TrainingJobStatus;
  request: { skus: string[] | null; horizon: number; confidence: number; season: number; asOf: DayKey };
  progress: { total: number; done: number; forecast: number; skipped: number; failed: number };
  /** SKUs are processed in sorted order; a resumed job starts after this one. */
  resumeAfter: string | null;
  summary: TrainingJobSummary | null;
  /** Running totals the summary is built from, saved with each chunk's progress. */
  tally: JobTally;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  /** Set while the runner waits for the feature queue (see forecast-runner.ts); absent on older jobs. */
  waitingForFeaturesSince?: Date | null;
  completedAt: Date | null;
  /** Refreshed while running: a job whose heartbeat is older than the lease is taken over (its runner died). */
  heartbeatAt: Date | null;
  runner: string | null;
}

export interface JobTally {
  /** Model chosen → SKUs. */
  models: Record<string, number>;
  /** Backtest MASE of each forecast SKU's chosen model, and of seasonal naive on the same windows. */
  mase: number[];
  seasonalNaiveMase: number[];
  /** The first few of each (the counts are in `progress`). */
  failures: { sku: string; message: string }[];
  skipped: { sku: string; message: string }[];
  /** The first SKUs forecast, for the `forecast:updated` event. */
  forecastSample: string[];
}

export interface CampaignEffect {
  /** Demand on campaign days ÷ demand on the same weekdays around them, − 1 (stock-outs excluded). */
  lift: number;
  campaignDays: number;
  averageDiscountPercent: number;
}

export interface MlModelDocument {
  _id: string;
  tenantId: string;
  sku: string;
  version: number;
  modelType: ForecastModelName;
  trainedAt: Date;
  jobId: string;
  demandClass: string;
  parameters: Record<string, number>;
  weights: Record<string, number> | null;
  members: ForecastModelName[] | null;
  backtest: {
    windows: number;
    mase: number | null;
    mae: number | null;
    candidates: { model: ForecastModelName; mase: number | null; mae: number | null; skipped?: string }[];
  };
  campaignEffect: CampaignEffect | null;
}

/** Half-widths of the prediction interval per step at one confidence. */
export interface StoredInterval {
  confidence: number;
  halfWidths: number[];
  reliable: boolean;
}

export interface ForecastDocument {
  _id: string;
  tenantId: string;
  sku: string;
  /** null: all locations together (forecasts are of the SKU's network demand). */
  locationCode: string | null;
  jobId: string;
  modelId: string;
  modelType: ForecastModelName;
  /** The day the forecast was made on: history ends the day before, predictions start on it. */
  forecastDate: DayKey;
  horizon: number;
  /** The job's main confidence: `predictions` carry its bounds. */
  confidence: number;
  predictions: { date: DayKey; quantity: number; lower: number; upper: number }[];
  intervals: StoredInterval[];
  demandClass: string;
  reason: string;
  /** In-sample seasonal-naive MAE of the history: the MASE denominator when actuals arrive. */
  maseScale: number;
  createdAt: Date;
  /** Days of `predictions` whose actuals have arrived and were scored (accuracy tracking). */
  scoredDays: number;
  /** Every day of `predictions` has passed: nothing more to score. */
  fullyScored: boolean;
}

export interface ModelPerformanceDocument {
  /** The forecast's id: one evaluation per forecast, updated as more actuals arrive. */
  _id: string;
  tenantId: string;
  sku: string;
  jobId: string;
  modelType: ForecastModelName;
  forecastDate: DayKey;
  evaluatedAt: Date;
  daysScored: number;
  actual: number[];
  predicted: number[];
  mae: number | null;
  rmse: number | null;
  mape: number | null;
  mase: number | null;
  bias: number | null;
}

/**
 * The pointer readers follow to a SKU's current forecast and active model.
 * Written after the forecast and model documents, with a guard that keeps
 * it from moving back to an older job: each write is one atomic upsert, so
 * no multi-document transaction is needed, and a job resumed after a crash
 * rewrites the same documents and pointer.
 */
export interface LatestForecastDocument {
  /** `${tenantId}:${sku}` */
  _id: string;
  tenantId: string;
  sku: string;
  forecastId: string;
  modelId: string;
  modelType: ForecastModelName;
  version: number;
  backtestMase: number | null;
  forecastDate: DayKey;
  createdAt: Date;
}

/**
 * Indexes of stored forecasting (idempotent): a SKU's models by version, its
 * forecasts by age (accuracy tracking walks them), the queue by status.
 */
export async function ensureForecastIndexes(db: Db): Promise<void> {
  await db.collection(FORECAST_COLLECTIONS.trainingJobs).createIndex({ status: 1, createdAt: 1 }, { name: 'status_created' });
  await db.collection(FORECAST_COLLECTIONS.mlModels).createIndex({ tenantId: 1, sku: 1, version: -1 }, { name: 'tenant_sku_version', unique: true });
  await db.collection(FORECAST_COLLECTIONS.forecasts).createIndex({ tenantId: 1, sku: 1, createdAt: -1 }, { name: 'tenant_sku_created' });
  await db.collection(FORECAST_COLLECTIONS.latestForecasts).createIndex({ tenantId: 1, sku: 1 }, { name: 'tenant_sku' });
  await db.collection(FORECAST_COLLECTIONS.modelPerformance).createIndex({ tenantId: 1, sku: 1, evaluatedAt: -1 }, { name: 'tenant_sku_evaluated' });
  await db.collection(FORECAST_COLLECTIONS.modelPerformance).createIndex({ tenantId: 1, modelType: 1 }, { name: 'tenant_type' });
}
