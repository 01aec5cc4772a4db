import {
  ANY_ROLE,
  CreatePurchaseOrderSchema,
  IdParamsSchema,
  ListPurchaseOrdersQuerySchema,
  PoNumberParamsSchema,
  PurchaseOrderPageSchema,
  PurchaseOrderSchema,
  PurchaseOrderTransitionSchema,
  ReceivePurchaseOrderSchema,
} from '@icc/shared';
import { defineRoute, type AnyRoute } from '../http/route.js';
import type { PurchaseOrderService } from './purchase-order.service.js';

// `service` is the analytics service accepting a planning recommendation on a buyer's behalf.
const BUYERS = ['purchasing', 'service'] as const;
const RECEIVING = ['warehouse', 'purchasing'] as const;
const tag = 'purchase orders';

export function purchaseOrderRoutes(purchaseOrders: PurchaseOrderService): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/orders/purchase',
      tag,
      summary: 'Create a purchase order (draft, or placed at once with order: true)',
      status: 201,
      idempotent: true,
      roles: BUYERS,
      body: CreatePurchaseOrderSchema,
      response: PurchaseOrderSchema,
      handler: ({ body, principal }) => purchaseOrders.create(principal, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/orders/purchase',
      tag,
      summary: 'List purchase orders (status, supplier, location, SKU, source)',
      roles: ANY_ROLE,
      query: ListPurchaseOrdersQuerySchema,
      response: PurchaseOrderPageSchema,
      handler: ({ query }) => purchaseOrders.list(query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/orders/purchase/:id',
      tag,
      summary: 'Get a purchase order',
      roles: ANY_ROLE,
      params: IdParamsSchema,
      response: PurchaseOrderSchema,
      handler: ({ params }) => purchaseOrders.get(params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/api/orders/purchase/number/:poNumber',
      tag,
      summary: 'Get a purchase order by its number (PO-YYYYMMDD-NNNN, as on the delivery note): what receiving looks up',
      roles: ANY_ROLE,
      params: PoNumberParamsSchema,
      response: PurchaseOrderSchema,
      handler: ({ params }) => purchaseOrders.getByNumber(params.poNumber),
    }),
    defineRoute({
      method: 'put',
      path: '/api/orders/purchase/:id/status',
      tag,
      summary: 'Place (ordered) or cancel a purchase order',
      roles: BUYERS,
      params: IdParamsSchema,
      body: PurchaseOrderTransitionSchema,
      response: PurchaseOrderSchema,
      handler: ({ params, body, principal }) => purchaseOrders.changeStatus(principal, params.id, body),
    }),
    defineRoute({
      method: 'put',
      path: '/api/orders/purchase/:id/receive',
      tag,
      summary: 'Receive goods, per line (partial receipts; over-receipt refused)',
      roles: RECEIVING,
      params: IdParamsSchema,
      body: ReceivePurchaseOrderSchema,
      response: PurchaseOrderSchema,
      handler: ({ params, body, principal }) => purchaseOrders.receive(principal, params.id, body),
    }),
  ];
}
