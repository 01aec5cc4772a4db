import type { ListCustomersQuerySchema } from '@icc/shared';
import type { z } from 'zod';
import { codedRecordService } from '../db/coded-records.js';
import type { Models } from '../db/models.js';
import { toCustomer } from './customer.model.js';

/** Customers: master data addressed by their code, created and edited by the sales desk. */
export function createCustomerService(models: Models) {
  const customers = codedRecordService({ model: models.Customer, label: 'Customer', toOutput: toCustomer });
  return {
    create: customers.create,
    get: customers.get,
    update: customers.update,
    list: (query: z.infer<typeof ListCustomersQuerySchema>) => customers.list(query, query.segment ? { segment: query.segment } : {}),
  };
}

export type CustomerService = ReturnType<typeof createCustomerService>;
