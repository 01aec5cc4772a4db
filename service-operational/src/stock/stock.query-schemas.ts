import { AvailabilityQuerySchema, PageQuerySchema } from '@icc/shared';

/**
 * `GET /api/stock/availability`: the filters of `AvailabilityQuerySchema` plus a
 * page (`limit`, `cursor`; SKU order). Without a page a tenant with many
 * positions made one request read every position and every open order.
 */
export const AvailabilityPageQuerySchema = AvailabilityQuerySchema.extend({
  limit: PageQuerySchema.shape.limit,
  cursor: PageQuerySchema.shape.cursor,
}).strict();
