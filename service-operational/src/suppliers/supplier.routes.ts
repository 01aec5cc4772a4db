import {
  ANY_ROLE,
  CreateSupplierSchema,
  IdParamsSchema,
  LinkProductSchema,
  ListSuppliersQuerySchema,
  ProductSupplierSchema,
  SupplierPageSchema,
  SupplierPerformanceSchema,
  SupplierSchema,
  UpdateSupplierSchema,
} from '@icc/shared';
import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../http/route.js';
import type { SupplierService } from './supplier.service.js';

const BUYERS = ['purchasing'] as const;
const tag = 'suppliers';

export function supplierRoutes(suppliers: SupplierService): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/suppliers',
      tag,
      summary: 'List suppliers',
      roles: ANY_ROLE,
      query: ListSuppliersQuerySchema,
      response: SupplierPageSchema,
      handler: ({ query }) => suppliers.list(query),
    }),
    defineRoute({
      method: 'post',
      path: '/api/suppliers',
      tag,
      summary: 'Create a supplier',
      status: 201,
      idempotent: true,
      roles: BUYERS,
      body: CreateSupplierSchema,
      response: SupplierSchema,
      handler: ({ body }) => suppliers.create(body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/suppliers/:id',
      tag,
      summary: 'Get a supplier',
      roles: ANY_ROLE,
      params: IdParamsSchema,
      response: SupplierSchema,
      handler: ({ params }) => suppliers.get(params.id),
    }),
    defineRoute({
      method: 'put',
      path: '/api/suppliers/:id',
      tag,
      summary: 'Update a supplier (any field but the code)',
      roles: BUYERS,
      params: IdParamsSchema,
      body: UpdateSupplierSchema,
      response: SupplierSchema,
      handler: ({ params, body }) => suppliers.update(params.id, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/suppliers/:id/products',
      tag,
      summary: 'Products this supplier sells, with cost, MOQ, pack size and lead time',
      roles: ANY_ROLE,
      params: IdParamsSchema,
      response: z.array(ProductSupplierSchema),
      handler: ({ params }) => suppliers.products(params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/suppliers/:id/products',
      tag,
      summary: 'Link a product to this supplier (or update the link)',
      status: 201,
      idempotent: true,
      roles: BUYERS,
      params: IdParamsSchema,
      body: LinkProductSchema,
      response: ProductSupplierSchema,
      handler: ({ params, body }) => suppliers.linkProduct(params.id, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/suppliers/:id/performance',
      heavy: true,
      tag,
      summary: 'On-time rate, average delay and fill rate from received purchase orders',
      roles: ANY_ROLE,
      params: IdParamsSchema,
      response: SupplierPerformanceSchema,
      handler: ({ params }) => suppliers.performance(params.id),
    }),
  ];
}
