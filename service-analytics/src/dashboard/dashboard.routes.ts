import {
  CriticalStockSchema,
  DashboardDetailsQuerySchema,
  DashboardDetailsSchema,
  DashboardSummarySchema,
  DashboardTrendsQuerySchema,
  DashboardTrendsSchema,
  ErrorResponseSchema,
  ExcessStockSchema,
  InternalListQuerySchema,
  PendingDeliveriesSchema,
  SupplierLeadTimesSchema,
} from '@icc/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from 'mongodb';
import { dashboardDetails } from './dashboard-details.js';
import { dashboardSummary } from './dashboard-summary.js';
import { dashboardTrends } from './dashboard-trends.js';
import { criticalStock, excessStock, pendingDeliveries, supplierLeadTimes } from './internal-reads.js';
import '../http/principal.js';

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 403: ErrorResponseSchema };

/**
 * The morning dashboard and seed 000's internal reads for planning: every key
 * reads its own tenant's numbers. The summary is the tenant's stored summary
 * (refreshed after planning runs, `asOf` says when); the details and internal
 * reads are ranked index walks of the stored read models.
 *
 * @example await app.register(dashboardRoutes({ db: analyticsDb }))
 */
export function dashboardRoutes(deps: { db: Db; now?: () => Date }): FastifyPluginAsyncZod {
  const now = deps.now ?? (() => new Date());
  return async (app) => {
    app.get(
      '/api/dashboard/summary',
      {
        schema: {
          summary:
            'Critical metrics, pending recommendations by priority, open alerts by severity, potential savings and KPIs, each with its definition and period',
          tags: ['dashboard'],
          response: { 200: DashboardSummarySchema, ...errors },
        },
      },
      async (request) => dashboardSummary(deps.db, request.principal.tenantId, now()),
    );

    app.get(
      '/api/dashboard/trends',
      {
        schema: {
          summary: 'Daily fill rate, stock-out rate, units and revenue over the last 7–180 days (the overview trend charts), from the daily sales facts',
          tags: ['dashboard'],
          querystring: DashboardTrendsQuerySchema,
          response: { 200: DashboardTrendsSchema, ...errors },
        },
      },
      async (request) => dashboardTrends(deps.db, request.principal.tenantId, request.query, now()),
    );

    app.get(
      '/api/dashboard/details',
      {
        schema: {
          summary:
            'Ranked short lists: stock-out risks, reorders needed, slow-moving stock, excess to transfer or not reorder; with the ids of the full records',
          tags: ['dashboard'],
          querystring: DashboardDetailsQuerySchema,
          response: { 200: DashboardDetailsSchema, ...errors },
        },
      },
      async (request) => dashboardDetails(deps.db, request.principal.tenantId, request.query, now()),
    );

    app.get(
      '/api/internal/stock/critical',
      {
        schema: {
          summary: "Stock positions below their product's safety stock, the largest shortfall first",
          tags: ['internal'],
          querystring: InternalListQuerySchema,
          response: { 200: CriticalStockSchema, ...errors },
        },
      },
      async (request) => criticalStock(deps.db, request.principal.tenantId, request.query.limit),
    );

    app.get(
      '/api/internal/stock/excess',
      {
        schema: {
          summary: 'Stock above the excess threshold (pending EXCESS_STOCK recommendations), the largest value first',
          tags: ['internal'],
          querystring: InternalListQuerySchema,
          response: { 200: ExcessStockSchema, ...errors },
        },
      },
      async (request) => excessStock(deps.db, request.principal.tenantId, request.query.limit),
    );

    app.get(
      '/api/internal/suppliers/lead-times',
      {
        schema: {
          summary: "Each supplier's stated lead time beside the one measured from its received purchase orders",
          tags: ['internal'],
          querystring: InternalListQuerySchema,
          response: { 200: SupplierLeadTimesSchema, ...errors },
        },
      },
      async (request) => supplierLeadTimes(deps.db, request.principal.tenantId, request.query.limit),
    );

    app.get(
      '/api/internal/orders/pending-delivery',
      {
        schema: {
          summary: 'Purchase orders placed and not fully received, the earliest expected first, with their open lines',
          tags: ['internal'],
          querystring: InternalListQuerySchema,
          response: { 200: PendingDeliveriesSchema, ...errors },
        },
      },
      async (request) => pendingDeliveries(deps.db, request.principal.tenantId, request.query.limit, now()),
    );
  };
}
