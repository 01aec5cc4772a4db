import {
  StoredCampaignSchema,
  StoredLocationSchema,
  StoredProductSchema,
  StoredProductSupplierSchema,
  StoredPurchaseOrderLineSchema,
  StoredPurchaseOrderSchema,
  StoredSalesOrderLineSchema,
  StoredSalesOrderReturnSchema,
  StoredSalesOrderSchema,
  StoredStockMovementSchema,
  StoredStockPositionSchema,
  StoredSupplierSchema,
  StoredTransferExecutionSchema,
} from '@icc/shared';
import { z } from 'zod';

/**
 * The operational documents analytics reads, as far as it reads them: each
 * reader picks its fields from the stored-document schema in shared (the one
 * service-operational's models are typed by), so a field renamed there fails
 * to compile here. Where a reader accepts more than the model writes today it
 * says so below; that tolerance is deliberate:
 * - ids: ObjectIds (or strings in fixtures), keyed on their string form;
 * - statuses and types are plain strings, so a value the operational side adds
 *   later does not make analytics drop the document;
 * - a few fields older documents may lack take a default.
 */
const SourceId = z.unknown().transform((id) => String(id));
const AnyStatus = z.string();

const SalesOrderLine = StoredSalesOrderLineSchema.pick({
  line: true,
  sku: true,
  quantity: true,
  unitPrice: true,
  campaignId: true,
  shippedQuantity: true,
  unfulfilledQuantity: true,
  returnedQuantity: true,
}).extend({ discountPercent: z.number().default(0), status: AnyStatus });

const SalesOrderReturn = StoredSalesOrderReturnSchema.pick({ at: true }).extend({
  lines: z.array(StoredSalesOrderReturnSchema.shape.lines.element.pick({ line: true, quantity: true })),
});

export const SourceSalesOrderSchema = StoredSalesOrderSchema.pick({
  tenantId: true,
  orderNumber: true,
  customerCode: true,
  customerSegment: true,
  locationCode: true,
  orderedAt: true,
}).extend({
  _id: SourceId,
  status: AnyStatus,
  lines: z.array(SalesOrderLine),
  statusHistory: z.array(StoredSalesOrderSchema.shape.statusHistory.unwrap().element.pick({ at: true }).extend({ status: AnyStatus })).default([]),
  returns: z.array(SalesOrderReturn).default([]),
});
export type SourceSalesOrder = z.infer<typeof SourceSalesOrderSchema>;

/** What the back-order mirror reads of a sales order (backorder-mirror.ts). */
export const SourceSalesOrderBackordersSchema = StoredSalesOrderSchema.pick({ tenantId: true, locationCode: true }).extend({
  _id: SourceId,
  status: AnyStatus,
  lines: z.array(StoredSalesOrderLineSchema.pick({ sku: true, backorderedQuantity: true }).extend({ status: AnyStatus })),
  updatedAt: z.date().default(new Date(0)),
});
export type SourceSalesOrderBackorders = z.infer<typeof SourceSalesOrderBackordersSchema>;

export const SourceStockMovementSchema = StoredStockMovementSchema.pick({ tenantId: true, sku: true, locationCode: true, at: true }).extend({
  _id: SourceId,
  type: AnyStatus,
  balanceAfter: StoredStockMovementSchema.shape.balanceAfter.pick({ onHand: true, available: true }),
});
export type SourceStockMovement = z.infer<typeof SourceStockMovementSchema>;

export const SourceStockPositionSchema = StoredStockPositionSchema.pick({
  tenantId: true,
  sku: true,
  locationCode: true,
  onOrder: true,
  inTransit: true,
  damaged: true,
  reorderPoint: true,
  lowStock: true,
  updatedAt: true,
}).extend({
  _id: SourceId,
  // The ledger always writes these three (the model's defaults apply to the other buckets only).
  onHand: z.number(),
  reserved: z.number(),
  available: z.number(),
});
export type SourceStockPosition = z.infer<typeof SourceStockPositionSchema>;

// Documents written before timestamps existed have no `updatedAt` (nor `createdAt`); they order before every stamped version.
const TimestampOrEpoch = z.date().default(new Date(0));

export const SourceProductSchema = StoredProductSchema.pick({
  tenantId: true,
  sku: true,
  name: true,
  category: true,
  price: true,
  reorderPoint: true,
  safetyStock: true,
  leadTimeDays: true,
}).extend({ _id: SourceId, status: AnyStatus, updatedAt: TimestampOrEpoch });
export type SourceProduct = z.infer<typeof SourceProductSchema>;

export const SourceCampaignSchema = StoredCampaignSchema.pick({
  tenantId: true,
  name: true,
  startsAt: true,
  endsAt: true,
  skus: true,
  discountPercent: true,
}).extend({ _id: SourceId, status: AnyStatus, updatedAt: TimestampOrEpoch });
export type SourceCampaign = z.infer<typeof SourceCampaignSchema>;

/** A `pick` mask from field names: `StoredX.pick(fields('a', 'b'))`. */
const fields = <K extends string>(...names: K[]) => Object.fromEntries(names.map((name) => [name, true])) as { [P in K]: true };

// Suppliers and locations the model stores without a status are active (the model's default).
const StatusOrActive = AnyStatus.default('active');

export const SourceSupplierSchema = StoredSupplierSchema.pick(fields('tenantId', 'code', 'name', 'defaultLeadTimeDays')).extend({
  _id: SourceId,
  status: StatusOrActive,
  updatedAt: TimestampOrEpoch,
});
export type SourceSupplier = z.infer<typeof SourceSupplierSchema>;

export const SourceProductSupplierSchema = StoredProductSupplierSchema.pick(
  fields('tenantId', 'supplierCode', 'sku', 'unitCost', 'minimumOrderQuantity', 'packSize', 'preferred'),
).extend({
  _id: SourceId,
  // Absent or null alike: the supplier's default lead time applies.
  leadTimeDays: StoredProductSupplierSchema.shape.leadTimeDays.transform((days) => days ?? null),
  updatedAt: TimestampOrEpoch,
});
export type SourceProductSupplier = z.infer<typeof SourceProductSupplierSchema>;

export const SourceLocationSchema = StoredLocationSchema.pick(fields('tenantId', 'code', 'name', 'timeZone')).extend({
  _id: SourceId,
  type: AnyStatus,
  status: StatusOrActive,
  updatedAt: TimestampOrEpoch,
});
export type SourceLocation = z.infer<typeof SourceLocationSchema>;

const SourcePurchaseOrderLine = StoredPurchaseOrderLineSchema.pick(fields('line', 'sku', 'quantity', 'unitCost', 'receivedQuantity'));

export const SourcePurchaseOrderSchema = StoredPurchaseOrderSchema.pick(
  fields('tenantId', 'poNumber', 'supplierCode', 'locationCode', 'expectedDate', 'orderedAt', 'receivedAt'),
).extend({
  _id: SourceId,
  status: AnyStatus,
  lines: z.array(SourcePurchaseOrderLine),
  // Orders stored before it existed have none: their receipt time is `receivedAt` alone.
  lastReceivedAt: StoredPurchaseOrderSchema.shape.lastReceivedAt.transform((at) => at ?? null),
  source: StoredPurchaseOrderSchema.shape.source.transform((source) => ({ type: source.type, id: source.id ?? null })),
  createdAt: TimestampOrEpoch,
  updatedAt: TimestampOrEpoch,
});
export type SourcePurchaseOrder = z.infer<typeof SourcePurchaseOrderSchema>;

export const SourceTransferExecutionSchema = StoredTransferExecutionSchema.pick(
  fields('tenantId', 'requestId', 'sku', 'fromLocationCode', 'toLocationCode', 'quantity', 'reason', 'createdAt', 'updatedAt'),
).extend({ _id: SourceId, outcome: AnyStatus });
export type SourceTransferExecution = z.infer<typeof SourceTransferExecutionSchema>;

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
