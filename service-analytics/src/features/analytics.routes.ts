import { ErrorResponseSchema, SalesHistoryQuerySchema, SalesHistorySchema, SeasonalityProfileSchema, SkuParamsSchema, TrendSchema } from '@icc/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from 'mongodb';
import { salesHistory, seasonalityData, skuSeasonality, skuTrend } from './analytics.queries.js';
import { SeasonalityDataPageQuerySchema, SeasonalityListSchema, SeasonalityQuerySchema, TrendQuerySchema } from './analytics.query-schemas.js';
import '../http/principal.js';

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 404: ErrorResponseSchema };

/**
 * The analytics read endpoints: sales history and seasonality for the
 * forecasting side (internal), trend and seasonality per SKU for dashboards.
 * Every query is scoped to the caller's tenant (`request.principal.tenantId`),
 * so another tenant's SKU answers 404 like an unknown one. Read-only.
 *
 * @example await app.register(analyticsRoutes({ db: analyticsDb }))
 */
export function analyticsRoutes(deps: { db: Db }): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/internal/analytics/sales-history',
      {
        config: { heavy: true },
        schema: {
          summary: "One SKU's daily sales, zero-filled from start to end, summed over locations unless one is named",
          tags: ['analytics'],
          querystring: SalesHistoryQuerySchema,
          response: { 200: SalesHistorySchema, ...errors },
        },
      },
      async (request) => salesHistory(deps.db, request.principal.tenantId, request.query),
    );

    app.get(
      '/api/internal/analytics/seasonality-data',
      {
        config: { heavy: true },
        schema: {
          summary: 'Weekday and month demand indices of many SKUs (stock-out days excluded)',
          tags: ['analytics'],
          querystring: SeasonalityDataPageQuerySchema,
          response: { 200: SeasonalityListSchema, ...errors },
        },
      },
      async (request) => seasonalityData(deps.db, request.principal.tenantId, request.query),
    );

    app.get(
      '/api/analytics/trends/:sku',
      {
        schema: {
          summary: "Least-squares slope, last 28 vs previous 28 days, direction and weekly totals of a SKU's demand",
          tags: ['analytics'],
          params: SkuParamsSchema,
          querystring: TrendQuerySchema,
          response: { 200: TrendSchema, ...errors },
        },
      },
      async (request) => skuTrend(deps.db, request.principal.tenantId, request.params.sku, request.query),
    );

    app.get(
      '/api/analytics/seasonality/:sku',
      {
        schema: {
          summary: 'Weekday and month demand indices of a SKU over its last three years (stock-out days excluded)',
          tags: ['analytics'],
          params: SkuParamsSchema,
          querystring: SeasonalityQuerySchema,
          response: { 200: SeasonalityProfileSchema, ...errors },
        },
      },
      async (request) => skuSeasonality(deps.db, request.principal.tenantId, request.params.sku),
    );
  };
}
