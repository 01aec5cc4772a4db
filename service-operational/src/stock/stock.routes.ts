import {
  ANY_ROLE,
  AvailabilitySchema,
  CurrentStockQuerySchema,
  MovementsQuerySchema,
  pageSchema,
  ReconcileReportSchema,
  StockAdjustmentSchema,
  StockDamageSchema,
  StockMovementPageSchema,
  StockMutationResultSchema,
  StockPositionPageSchema,
  StockTransferSchema,
  StockWriteOffSchema,
} from '@icc/shared';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { AvailabilityPageQuerySchema } from './stock.query-schemas.js';
import type { StockService } from './stock.service.js';

const WAREHOUSE = ['warehouse'] as const;
// Reconciling reads every position and the whole ledger: an administrator's check.
const ADMIN_ONLY = ['admin'] as const;
const tag = 'stock';

export function stockRoutes(stock: StockService): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/stock/current',
      tag,
      summary: 'Current stock positions (filter by SKU, location, low stock)',
      roles: ANY_ROLE,
      query: CurrentStockQuerySchema,
      response: StockPositionPageSchema,
      handler: ({ query }) => stock.current(query),
    }),
    defineRoute({
      method: 'post',
      path: '/api/stock/adjustment',
      tag,
      summary: 'Correct the on-hand count at a location (reason required)',
      status: 201,
      idempotent: true,
      roles: WAREHOUSE,
      body: StockAdjustmentSchema,
      response: StockMutationResultSchema,
      handler: ({ body, principal }) => stock.adjust(principal, body),
    }),
    defineRoute({
      method: 'post',
      path: '/api/stock/transfer',
      tag,
      summary: 'Move stock between locations, atomically',
      status: 201,
      idempotent: true,
      roles: WAREHOUSE,
      body: StockTransferSchema,
      response: StockMutationResultSchema,
      handler: ({ body, principal }) => stock.transfer(principal, body),
    }),
    defineRoute({
      method: 'post',
      path: '/api/stock/damage',
      tag,
      summary: 'Move on-hand stock to damaged',
      status: 201,
      idempotent: true,
      roles: WAREHOUSE,
      body: StockDamageSchema,
      response: StockMutationResultSchema,
      handler: ({ body, principal }) => stock.damage(principal, body),
    }),
    defineRoute({
      method: 'post',
      path: '/api/stock/write-off',
      tag,
      summary: 'Write damaged stock off the books',
      status: 201,
      idempotent: true,
      roles: WAREHOUSE,
      body: StockWriteOffSchema,
      response: StockMutationResultSchema,
      handler: ({ body, principal }) => stock.writeOff(principal, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/stock/movements',
      tag,
      summary: 'The movement ledger (filters; newest first by default)',
      roles: ANY_ROLE,
      query: MovementsQuerySchema,
      response: StockMovementPageSchema,
      handler: ({ query }) => stock.movements(query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/stock/availability',
      tag,
      summary: 'Available-to-promise per SKU × location, a page at a time (SKU order; follow nextCursor)',
      roles: ANY_ROLE,
      query: AvailabilityPageQuerySchema,
      response: pageSchema(AvailabilitySchema),
      heavy: true,
      handler: ({ query }) => stock.availability(query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/stock/reconcile',
      heavy: true,
      tag,
      summary: 'Recompute positions from the ledger and report drift (admin)',
      roles: ADMIN_ONLY,
      response: ReconcileReportSchema,
      handler: () => stock.reconcile(),
    }),
  ];
}
