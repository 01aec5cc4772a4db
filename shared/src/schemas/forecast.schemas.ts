import { z } from 'zod';
import { DayKeySchema, IsoDateTimeSchema, RequestDayKeySchema, SkuSchema, lineSchema } from './common.schemas.js';
import { FORECAST_MODELS } from './forecast-models.js';

/**
 * Forecasting: training jobs, stored forecasts and what the forecast API
 * answers (seed 000's Forecast Service, in the project's camelCase).
 * Forecasts are computed by jobs and read from storage; no read ever trains.
 */

export const ForecastModelSchema = z.enum(FORECAST_MODELS);
export type ForecastModelName = z.infer<typeof ForecastModelSchema>;

/**
 * Interval coverages every stored forecast carries, so a reader can pick one
 * without retraining; a job's own confidence is stored too when it is not one of these.
 */
export const STORED_CONFIDENCE_LEVELS = [0.5, 0.8, 0.9, 0.95, 0.99] as const;

/** Longest horizon a job may forecast (days). */
export const MAX_FORECAST_HORIZON = 365;
/** SKUs one training request may name (beyond this, train everything: omit `skus`). */
export const MAX_TRAIN_SKUS = 50_000;

const ConfidenceSchema = z.number().min(0.5).max(0.99);

// ----- training jobs -----

export const TrainRequestSchema = z
  .object({
    skus: z.array(SkuSchema).min(1).max(MAX_TRAIN_SKUS).optional().describe('SKUs to forecast; default: every SKU with features'),
    horizon: z.number().int().min(1).max(MAX_FORECAST_HORIZON).default(28).describe('days to forecast'),
    confidence: ConfidenceSchema.default(0.95).describe('coverage of the main prediction interval'),
    season: z.number().int().min(1).max(366).default(7).describe('seasonal period in days (7: weekly)'),
    asOf: RequestDayKeySchema.optional().describe('last day of history to use; default yesterday (UTC), the last complete day'),
  })
  .strict();
export type TrainRequest = z.infer<typeof TrainRequestSchema>;

export const TRAINING_JOB_STATUSES = ['pending', 'running', 'completed', 'failed'] as const;
export const TrainingJobStatusSchema = z.enum(TRAINING_JOB_STATUSES);
export type TrainingJobStatus = z.infer<typeof TrainingJobStatusSchema>;

export const TrainingJobSummarySchema = z.object({
  /** Model chosen → number of SKUs. */
  models: z.record(z.string(), z.number().int()),
  /** Median backtest MASE of the chosen models (null when nothing was forecast). */
  medianMase: z.number().nullable(),
  /** Median backtest MASE of seasonal naive over the same SKUs and windows: the yardstick. */
  medianSeasonalNaiveMase: z.number().nullable(),
  /** 1 − chosen ÷ seasonal naive (medians): 0.1 = 10% better than seasonal naive. */
  improvementOverSeasonalNaive: z.number().nullable(),
  /** First failures (the count is in `progress.failed`). */
  failures: z.array(z.object({ sku: z.string(), message: z.string() })),
  /** SKUs left out for too short a history (not failures), first few. */
  skipped: z.array(z.object({ sku: z.string(), message: z.string() })),
});
export type TrainingJobSummary = z.infer<typeof TrainingJobSummarySchema>;

export const TrainingJobSchema = z.object({
  jobId: z.string(),
  status: TrainingJobStatusSchema,
  request: z.object({
    skus: z.array(z.string()).nullable(),
    horizon: z.number().int(),
    confidence: z.number(),
    season: z.number().int(),
    asOf: DayKeySchema,
  }),
  progress: z.object({
    /** SKUs to forecast (known once the job starts). */
    total: z.number().int(),
    /** SKUs finished: forecast, skipped or failed. */
    done: z.number().int(),
    forecast: z.number().int(),
    skipped: z.number().int(),
    failed: z.number().int(),
  }),
  summary: TrainingJobSummarySchema.nullable(),
  error: z.string().nullable(),
  createdAt: IsoDateTimeSchema,
  startedAt: IsoDateTimeSchema.nullable(),
  /** Set while a running job waits for the features to include every sale committed before it was asked for. */
  waitingForFeaturesSince: IsoDateTimeSchema.nullable(),
  completedAt: IsoDateTimeSchema.nullable(),
});
export type TrainingJob = z.infer<typeof TrainingJobSchema>;

export const TrainAcceptedSchema = z.object({
  jobId: z.string(),
  status: TrainingJobStatusSchema,
  statusUrl: z.string(),
});

export const JobParamsSchema = z.object({ jobId: lineSchema(80) }).strict();

// ----- reading forecasts -----

export const ForecastQuerySchema = z
  .object({
    horizon: z.coerce.number().int().min(1).max(MAX_FORECAST_HORIZON).optional().describe('days to return; default the stored horizon'),
    confidenceLevel: z.coerce
      .number()
      .min(0.5)
      .max(0.99)
      .optional()
      .describe(`interval coverage; one of ${STORED_CONFIDENCE_LEVELS.join(', ')} or the job's own`),
  })
  .strict();

export const ForecastPredictionSchema = z.object({
  date: DayKeySchema,
  quantity: z.number(),
  lowerBound: z.number(),
  upperBound: z.number(),
});

/** `GET /api/forecast/{sku}`: seed 000's response in camelCase, plus why this model. */
export const ForecastResponseSchema = z.object({
  sku: z.string(),
  /** The day the forecast was made: its history ends the day before `predictions[0].date`. */
  forecastDate: DayKeySchema,
  predictions: z.array(ForecastPredictionSchema),
  modelUsed: ForecastModelSchema,
  confidence: z.number(),
  generatedAt: IsoDateTimeSchema,
  jobId: z.string(),
  demandClass: z.string(),
  /** The backtest in words: every candidate's MASE and the demand class. */
  reason: z.string(),
  /** False when the backtest held too few errors for this confidence: the interval is then narrower than promised. */
  intervalsReliable: z.boolean(),
});
export type ForecastResponse = z.infer<typeof ForecastResponseSchema>;

export const ModelMetricsSchema = z.object({
  mae: z.number().nullable(),
  rmse: z.number().nullable(),
  /** Percent; null when every actual was zero. */
  mape: z.number().nullable(),
  mase: z.number().nullable(),
  /** Mean forecast − actual: positive = over-forecasting. */
  bias: z.number().nullable(),
});

/** `GET /api/forecast/models/{sku}`: the model versions trained for a SKU, newest first. */
export const StoredModelSchema = z.object({
  sku: z.string(),
  version: z.number().int(),
  modelType: ForecastModelSchema,
  active: z.boolean(),
  trainedAt: IsoDateTimeSchema,
  jobId: z.string(),
  demandClass: z.string(),
  parameters: z.record(z.string(), z.number()),
  /** Feature → weight (regression, or an ensemble holding it). */
  weights: z.record(z.string(), z.number()).nullable(),
  members: z.array(ForecastModelSchema).nullable(),
  backtest: z.object({
    windows: z.number().int(),
    mase: z.number().nullable(),
    mae: z.number().nullable(),
    candidates: z.array(z.object({ model: ForecastModelSchema, mase: z.number().nullable(), mae: z.number().nullable(), skipped: z.string().optional() })),
  }),
  /** The demand lift learned from campaign days, used by what-if. */
  campaignEffect: z.object({ lift: z.number(), campaignDays: z.number().int(), averageDiscountPercent: z.number() }).nullable(),
});
export type StoredModel = z.infer<typeof StoredModelSchema>;
export const StoredModelListSchema = z.object({ sku: z.string(), items: z.array(StoredModelSchema) });

/** `GET /api/forecast/accuracy/{sku}`: forecasts scored against the actuals that arrived since. */
export const ForecastAccuracySchema = z.object({
  sku: z.string(),
  /** One row per model type that made scored forecasts. */
  byModel: z.array(
    ModelMetricsSchema.extend({
      modelType: ForecastModelSchema,
      evaluations: z.number().int(),
      daysScored: z.number().int(),
      lastEvaluatedAt: IsoDateTimeSchema,
    }),
  ),
  /** The latest scored forecasts, newest first. */
  recent: z.array(
    ModelMetricsSchema.extend({
      jobId: z.string(),
      modelType: ForecastModelSchema,
      forecastDate: DayKeySchema,
      daysScored: z.number().int(),
      evaluatedAt: IsoDateTimeSchema,
    }),
  ),
});
export type ForecastAccuracy = z.infer<typeof ForecastAccuracySchema>;

/** `GET /api/models/performance`: every active model of the tenant, summarised by type. */
export const ModelPerformanceSchema = z.object({
  skus: z.number().int(),
  byModel: z.array(
    z.object({
      modelType: ForecastModelSchema,
      skus: z.number().int(),
      medianBacktestMase: z.number().nullable(),
      /** Tracked accuracy against actuals (null until some arrived). */
      tracked: ModelMetricsSchema.extend({ evaluations: z.number().int() }).nullable(),
    }),
  ),
  medianBacktestMase: z.number().nullable(),
});

// ----- internal: planning -----

export const ForecastBatchRequestSchema = z
  .object({
    skus: z.array(SkuSchema).min(1).max(5_000),
    horizon: z.number().int().min(1).max(MAX_FORECAST_HORIZON).default(14),
  })
  .strict();

/** Seed 000's batch shape: SKU → daily quantities; SKUs without a stored forecast are listed in `missing`. */
export const ForecastBatchResponseSchema = z.object({
  forecasts: z.record(z.string(), z.array(z.number())),
  missing: z.array(z.string()),
  /** SKUs whose latest forecast covers fewer days than asked: their arrays hold what there is. */
  shorterThanAsked: z.array(z.string()),
});

export const WhatIfRequestSchema = z
  .object({
    sku: SkuSchema,
    scenario: z.literal('campaign'),
    discountPercent: z.number().min(0).max(90),
    durationDays: z.number().int().min(1).max(MAX_FORECAST_HORIZON),
    /** First campaign day; default the first forecast day. */
    startDate: RequestDayKeySchema.optional(),
  })
  .strict();

export const WhatIfResponseSchema = z.object({
  sku: z.string(),
  forecastDate: DayKeySchema,
  predictions: z.array(z.object({ date: DayKeySchema, baseline: z.number(), adjusted: z.number(), campaign: z.boolean() })),
  /** Units over the campaign days: adjusted − baseline. */
  extraUnits: z.number(),
  effect: z.object({
    /** Relative demand lift applied on the campaign days (0.25 = +25%): the learned lift scaled by discount ÷ the average discount it was learned at. */
    appliedLift: z.number(),
    /** Lift observed on past campaign days (stock-outs excluded), against the same weekdays around them. */
    learnedLift: z.number(),
    /** Where the lift came from: this SKU's own campaign days, or the tenant's median over SKUs that had campaigns. */
    source: z.enum(['sku-history', 'tenant-median']),
    campaignDays: z.number().int(),
    averageDiscountPercent: z.number(),
  }),
});
export type WhatIfResponse = z.infer<typeof WhatIfResponseSchema>;

/** `forecast:updated` on the dashboard room: a job stored new forecasts. */
export const ForecastUpdatedSchema = z.object({
  jobId: z.string(),
  forecastDate: DayKeySchema,
  skus: z.number().int(),
  /** Up to 50 SKUs that were forecast (all of them when fewer). */
  sample: z.array(z.string()),
  medianMase: z.number().nullable(),
});
export type ForecastUpdated = z.infer<typeof ForecastUpdatedSchema>;
