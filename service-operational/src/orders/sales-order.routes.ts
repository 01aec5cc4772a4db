import {
  ANY_ROLE,
  CreateSalesOrderSchema,
  IdParamsSchema,
  ListSalesOrdersQuerySchema,
  SalesOrderPageSchema,
  SalesOrderSchema,
  SalesOrderTransitionSchema,
  SalesReturnSchema,
} from '@icc/shared';
import { defineRoute, type AnyRoute } from '../http/route.js';
import type { SalesOrderService } from './sales-order.service.js';

const ORDER_DESK = ['sales'] as const;
// Shipping and receiving returns happen in the warehouse.
const FULFILMENT = ['sales', 'warehouse'] as const;
const tag = 'sales orders';

export function salesOrderRoutes(orders: SalesOrderService): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/orders/sales',
      tag,
      summary: 'Take a sales order (optionally confirming it at once)',
      status: 201,
      idempotent: true,
      roles: ORDER_DESK,
      body: CreateSalesOrderSchema,
      response: SalesOrderSchema,
      handler: ({ body, principal }) => orders.create(principal, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/orders/sales',
      tag,
      summary: 'List sales orders (status, customer, location, SKU, date range)',
      roles: ANY_ROLE,
      query: ListSalesOrdersQuerySchema,
      response: SalesOrderPageSchema,
      handler: ({ query }) => orders.list(query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/orders/sales/:id',
      tag,
      summary: 'Get a sales order',
      roles: ANY_ROLE,
      params: IdParamsSchema,
      response: SalesOrderSchema,
      handler: ({ params }) => orders.get(params.id),
    }),
    defineRoute({
      method: 'put',
      path: '/api/orders/sales/:id/status',
      tag,
      summary: 'Confirm (reserve), ship, deliver or cancel; illegal transitions answer 409',
      roles: FULFILMENT,
      params: IdParamsSchema,
      body: SalesOrderTransitionSchema,
      response: SalesOrderSchema,
      handler: ({ params, body, principal }) => orders.changeStatus(principal, params.id, body),
    }),
    defineRoute({
      method: 'post',
      path: '/api/orders/sales/:id/returns',
      tag,
      summary: 'Record returned goods (to on hand or to damaged)',
      status: 201,
      idempotent: true,
      roles: FULFILMENT,
      params: IdParamsSchema,
      body: SalesReturnSchema,
      response: SalesOrderSchema,
      handler: ({ params, body, principal }) => orders.recordReturn(principal, params.id, body),
    }),
  ];
}
