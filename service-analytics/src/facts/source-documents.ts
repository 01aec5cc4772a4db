import { z } from 'zod';

/**
 * The operational documents analytics reads, as far as it reads them. The
 * shapes are restated here (not imported) because services never import each
 * other; a field the operational side renames shows up as a parse failure in
 * the facts tests rather than as silently wrong numbers.
 */

/** Source ids are ObjectIds (or strings in fixtures); analytics keys on their string form. */
const SourceId = z.unknown().transform((id) => String(id));

const SalesOrderLine = z.object({
  line: z.number(),
  sku: z.string(),
  quantity: z.number(),
  unitPrice: z.number(),
  discountPercent: z.number().default(0),
  campaignId: z.string().nullish().transform((id) => id ?? null),
  status: z.string(),
  shippedQuantity: z.number().default(0),
  unfulfilledQuantity: z.number().default(0),
  returnedQuantity: z.number().default(0),
});

export const SourceSalesOrderSchema = z.object({
  _id: SourceId,
  tenantId: z.string(),
  orderNumber: z.string(),
  customerCode: z.string(),
  customerSegment: z.string(),
  locationCode: z.string(),
  status: z.string(),
  lines: z.array(SalesOrderLine),
  statusHistory: z.array(z.object({ status: z.string(), at: z.date() })).default([]),
  returns: z
    .array(z.object({ at: z.date(), lines: z.array(z.object({ line: z.number(), quantity: z.number() })) }))
    .default([]),
  orderedAt: z.date(),
});
export type SourceSalesOrder = z.infer<typeof SourceSalesOrderSchema>;

const Balances = z.object({ onHand: z.number(), available: z.number() });

export const SourceStockMovementSchema = z.object({
  _id: SourceId,
  tenantId: z.string(),
  sku: z.string(),
  locationCode: z.string(),
  type: z.string(),
  balanceAfter: Balances,
  at: z.date(),
});
export type SourceStockMovement = z.infer<typeof SourceStockMovementSchema>;

export const SourceStockPositionSchema = z.object({
  _id: SourceId,
  tenantId: z.string(),
  sku: z.string(),
  locationCode: z.string(),
  onHand: z.number(),
  reserved: z.number(),
  available: z.number(),
  onOrder: z.number().default(0),
  inTransit: z.number().default(0),
  damaged: z.number().default(0),
  reorderPoint: z.number().default(0),
  lowStock: z.boolean().default(false),
  updatedAt: z.date(),
});
export type SourceStockPosition = z.infer<typeof SourceStockPositionSchema>;

export const SourceProductSchema = z.object({
  _id: SourceId,
  tenantId: z.string(),
  sku: z.string(),
  name: z.string(),
  category: z.string(),
  status: z.string(),
  price: z.number(),
  reorderPoint: z.number(),
  safetyStock: z.number(),
  leadTimeDays: z.number(),
  // Documents written before timestamps existed have none; they order before every stamped version.
  updatedAt: z.date().default(new Date(0)),
});
export type SourceProduct = z.infer<typeof SourceProductSchema>;

export const SourceCampaignSchema = z.object({
  _id: SourceId,
  tenantId: z.string(),
  name: z.string(),
  status: z.string(),
  startsAt: z.date(),
  endsAt: z.date(),
  skus: z.array(z.string()),
  discountPercent: z.number(),
  updatedAt: z.date().default(new Date(0)),
});
export type SourceCampaign = z.infer<typeof SourceCampaignSchema>;

/**
 * Parse one source document, or null when it does not have the expected shape.
 * A malformed document is skipped rather than thrown: the consumer would
 * otherwise re-deliver the same poisoned batch forever. The caller logs
 * each skipped document so the problem stays visible.
 *
 * @example parseSource(SourceStockMovementSchema, change.fullDocument) // SourceStockMovement | null
 */
export function parseSource<T>(schema: z.ZodType<T>, doc: unknown): T | null {
  if (doc == null) return null;
  const parsed = schema.safeParse(doc);
  return parsed.success ? parsed.data : null;
}
