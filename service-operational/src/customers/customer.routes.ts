import {
  ANY_ROLE,
  CreateCustomerSchema,
  CustomerPageSchema,
  CustomerSchema,
  IdParamsSchema,
  ListCustomersQuerySchema,
  UpdateCustomerSchema,
} from '@icc/shared';
import { defineRoute, type AnyRoute } from '../http/route.js';
import type { CustomerService } from './customer.service.js';

const SALES = ['sales'] as const;
const tag = 'customers';

export function customerRoutes(customers: CustomerService): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/customers',
      tag,
      summary: 'List customers (filter by segment)',
      roles: ANY_ROLE,
      query: ListCustomersQuerySchema,
      response: CustomerPageSchema,
      handler: ({ query }) => customers.list(query),
    }),
    defineRoute({
      method: 'post',
      path: '/api/customers',
      tag,
      summary: 'Create a customer',
      status: 201,
      idempotent: true,
      roles: SALES,
      body: CreateCustomerSchema,
      response: CustomerSchema,
      handler: ({ body }) => customers.create(body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/customers/:id',
      tag,
      summary: 'Get a customer',
      roles: ANY_ROLE,
      params: IdParamsSchema,
      response: CustomerSchema,
      handler: ({ params }) => customers.get(params.id),
    }),
    defineRoute({
      method: 'put',
      path: '/api/customers/:id',
      tag,
      summary: 'Update a customer (any field but the code)',
      roles: SALES,
      params: IdParamsSchema,
      body: UpdateCustomerSchema,
      response: CustomerSchema,
      handler: ({ params, body }) => customers.update(params.id, body),
    }),
  ];
}
