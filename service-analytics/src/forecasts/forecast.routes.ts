import {
  ErrorResponseSchema,
  ForecastAccuracySchema,
  ForecastBatchRequestSchema,
  ForecastBatchResponseSchema,
  ForecastQuerySchema,
  ForecastResponseSchema,
  JobParamsSchema,
  ModelPerformanceSchema,
  SkuParamsSchema,
  StoredModelListSchema,
  TrainAcceptedSchema,
  TrainingJobSchema,
  TrainRequestSchema,
  WhatIfRequestSchema,
  WhatIfResponseSchema,
} from '@icc/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from 'mongodb';
import { accuracyOf, modelPerformance } from './accuracy.queries.js';
import { forecastBatch, latestForecast, modelsOf } from './forecast.queries.js';
import { createTrainingJob, getTrainingJob } from './training-jobs.js';
import { whatIf } from './what-if.js';
import { roleGuard } from '../http/auth.js';
import '../http/principal.js';

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 403: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema };

export interface ForecastRouteDeps {
  db: Db;
  /** Wakes the job runner when a job is queued (it polls otherwise). */
  onJobQueued?: () => void;
  now?: () => Date;
}

/**
 * The forecast API: stored forecasts are read here and never computed on a
 * read; training is a queued job (`POST /api/models/train` → job id, followed
 * at `/api/models/status/{id}`).
 * Everything is scoped to the caller's tenant.
 */
export function forecastRoutes(deps: ForecastRouteDeps): FastifyPluginAsyncZod {
  const now = deps.now ?? (() => new Date());
  return async (app) => {
    app.get(
      '/api/forecast/:sku',
      {
        schema: {
          summary: "The SKU's latest stored forecast: daily quantities with prediction intervals, the model and why",
          tags: ['forecast'],
          params: SkuParamsSchema,
          querystring: ForecastQuerySchema,
          response: { 200: ForecastResponseSchema, ...errors },
        },
      },
      async (request) => latestForecast(deps.db, request.principal.tenantId, request.params.sku, request.query),
    );

    app.get(
      '/api/forecast/accuracy/:sku',
      {
        schema: {
          summary: "How the SKU's past forecasts did against the actuals that arrived: MAE, RMSE, MAPE, MASE, bias per model",
          tags: ['forecast'],
          params: SkuParamsSchema,
          response: { 200: ForecastAccuracySchema, ...errors },
        },
      },
      async (request) => accuracyOf(deps.db, request.principal.tenantId, request.params.sku),
    );

    app.get(
      '/api/forecast/models/:sku',
      {
        schema: {
          summary: "The SKU's trained model versions, newest first: type, parameters, weights, backtest of every candidate",
          tags: ['forecast'],
          params: SkuParamsSchema,
          response: { 200: StoredModelListSchema, ...errors },
        },
      },
      async (request) => modelsOf(deps.db, request.principal.tenantId, request.params.sku),
    );

    const trainers = roleGuard(['planner', 'service'], 'Training forecasts');
    app.post(
      '/api/models/train',
      {
        preValidation: trainers.check,
        schema: {
          summary: 'Queue a training job: backtest, select and forecast every SKU (or those named); answers the job id at once',
          description: trainers.description,
          tags: ['models'],
          body: TrainRequestSchema,
          response: { 202: TrainAcceptedSchema, ...errors },
        },
      },
      async (request, reply) => {
        const job = await createTrainingJob(deps.db, request.principal.tenantId, request.body, now());
        deps.onJobQueued?.();
        return reply.status(202).send({ jobId: job._id, status: job.status, statusUrl: `/api/models/status/${job._id}` });
      },
    );

    app.get(
      '/api/models/status/:jobId',
      {
        schema: {
          summary: 'A training job: status, progress (SKUs done, forecast, skipped, failed) and, when finished, its summary',
          tags: ['models'],
          params: JobParamsSchema,
          response: { 200: TrainingJobSchema, ...errors },
        },
      },
      async (request) => getTrainingJob(deps.db, request.principal.tenantId, request.params.jobId),
    );

    app.get(
      '/api/models/performance',
      {
        config: { heavy: true },
        schema: {
          summary: 'Every active model of the tenant by type: SKUs served, median backtest MASE, accuracy tracked against actuals',
          tags: ['models'],
          response: { 200: ModelPerformanceSchema, ...errors },
        },
      },
      async (request) => modelPerformance(deps.db, request.principal.tenantId),
    );

    app.post(
      '/api/internal/forecast/batch',
      {
        schema: {
          summary: "Planning's batch read: each SKU's latest daily quantities for a horizon",
          tags: ['internal'],
          body: ForecastBatchRequestSchema,
          response: { 200: ForecastBatchResponseSchema, ...errors },
        },
      },
      async (request) => forecastBatch(deps.db, request.principal.tenantId, request.body),
    );

    app.post(
      '/api/internal/forecast/whatif',
      {
        schema: {
          summary: "A campaign scenario on the SKU's latest forecast, using the campaign lift learned from past campaigns",
          tags: ['internal'],
          body: WhatIfRequestSchema,
          response: { 200: WhatIfResponseSchema, ...errors },
        },
      },
      async (request) => whatIf(deps.db, request.principal.tenantId, request.body),
    );
  };
}
