import { ObjectId } from 'mongodb';
import { z } from 'zod';
import { CAMPAIGN_STATUSES } from './campaign.schemas.js';
import { LOCATION_TYPES } from './location.schemas.js';
import { LINE_STATUSES, PURCHASE_ORDER_STATUSES, SALES_ORDER_STATUSES, SHORTAGE_POLICIES } from './order.schemas.js';
import { PRODUCT_STATUSES } from './product.schemas.js';
import { MOVEMENT_TYPES } from './stock.schemas.js';

/**
 * The operational documents as MongoDB stores them: service-operational writes
 * them (its Mongoose models take their types from here), service-analytics reads
 * them through change streams (its readers derive their schemas from these).
 * Dates are `Date`, ids `ObjectId`, money and quantities plain numbers (Mongoose
 * `Number`). A field the Mongoose model defaults has the same `.default()`
 * here, so an older document without it parses as Mongoose would hydrate it.
 */

/** A BSON ObjectId (the driver's and Mongoose's `Types.ObjectId` are one class). */
export const StoredObjectIdSchema = z.instanceof(ObjectId, { message: 'must be an ObjectId' });

/** Free-form attributes as stored (validated on the way in by `AttributesSchema`). */
const StoredAttributesSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

/** Fields of every document of a tenant-owned collection (`tenantId` is stamped by the tenant-scope plugin). */
const tenantOwned = { _id: StoredObjectIdSchema, tenantId: z.string() };
/** Mongoose `timestamps: true`. */
const timestamps = { createdAt: z.date(), updatedAt: z.date() };
/** An optional Mongoose `String` path: absent, or null once unset. */
const optionalText = z.string().nullish();

// ----- products and campaigns (`products`, `campaigns`) -----

export const StoredProductSchema = z.object({
  ...tenantOwned,
  sku: z.string(),
  name: z.string(),
  category: z.string(),
  subCategory: optionalText,
  brand: optionalText,
  unit: z.string(),
  price: z.number(),
  cost: z.number(),
  reorderPoint: z.number(),
  safetyStock: z.number(),
  leadTimeDays: z.number(),
  attributes: StoredAttributesSchema.default({}),
  status: z.enum(PRODUCT_STATUSES),
  /** Set when the product was soft-deleted (status `discontinued`). */
  deletedAt: z.date().nullish(),
  ...timestamps,
});
export type StoredProduct = z.infer<typeof StoredProductSchema>;

export const StoredCampaignSchema = z.object({
  ...tenantOwned,
  name: z.string(),
  discountPercent: z.number(),
  startsAt: z.date(),
  endsAt: z.date(),
  skus: z.array(z.string()),
  status: z.enum(CAMPAIGN_STATUSES).default('planned'),
  ...timestamps,
});
export type StoredCampaign = z.infer<typeof StoredCampaignSchema>;

// ----- locations (`locations`) -----

export const StoredLocationSchema = z.object({
  ...tenantOwned,
  code: z.string(),
  name: z.string(),
  type: z.enum(LOCATION_TYPES),
  timeZone: z.string(),
  address: optionalText,
  attributes: StoredAttributesSchema.default({}),
  status: z.enum(['active', 'inactive']).default('active'),
  ...timestamps,
});
export type StoredLocation = z.infer<typeof StoredLocationSchema>;

// ----- stock (`stockPositions`, `stockMovements`) -----

export const StoredBalancesSchema = z.object({
  onHand: z.number(),
  reserved: z.number(),
  available: z.number(),
  onOrder: z.number(),
  inTransit: z.number(),
  damaged: z.number(),
});
export type StoredBalances = z.infer<typeof StoredBalancesSchema>;

/** One SKU at one location; written only by the stock ledger, with the movements that explain it. */
export const StoredStockPositionSchema = z.object({
  ...tenantOwned,
  sku: z.string(),
  locationCode: z.string(),
  onHand: z.number().default(0),
  reserved: z.number().default(0),
  /** onHand − reserved, stored so low stock is an indexed lookup. */
  available: z.number().default(0),
  onOrder: z.number().default(0),
  inTransit: z.number().default(0),
  damaged: z.number().default(0),
  reorderPoint: z.number().default(0),
  /** available < reorderPoint */
  lowStock: z.boolean().default(false),
  updatedAt: z.date(),
});
export type StoredStockPosition = z.infer<typeof StoredStockPositionSchema>;

/** A row of the append-only ledger: the signed change per bucket and the balances after it. */
export const StoredStockMovementSchema = z.object({
  ...tenantOwned,
  sku: z.string(),
  locationCode: z.string(),
  type: z.enum(MOVEMENT_TYPES),
  /** Absent buckets did not change. */
  deltas: z
    .object({
      onHand: z.number().optional(),
      reserved: z.number().optional(),
      onOrder: z.number().optional(),
      inTransit: z.number().optional(),
      damaged: z.number().optional(),
    })
    .nullish(),
  balanceAfter: StoredBalancesSchema,
  /** What caused it: an order line (`salesOrder`/`purchaseOrder` + id + line), a transfer, a manual adjustment... */
  reference: z.object({ type: z.string(), id: z.string(), line: z.number().nullish() }),
  reason: optionalText,
  actor: z.object({ apiKeyId: z.string(), keyName: z.string() }),
  at: z.date(),
});
export type StoredStockMovement = z.infer<typeof StoredStockMovementSchema>;

// ----- sales orders (`salesOrders`) -----

export const StoredSalesOrderLineSchema = z.object({
  line: z.number(),
  sku: z.string(),
  /** What the customer asked for: true demand, never reduced. */
  quantity: z.number(),
  listPrice: z.number(),
  unitPrice: z.number(),
  discountPercent: z.number(),
  campaignId: z.string().nullable().default(null),
  status: z.enum(LINE_STATUSES),
  reservedQuantity: z.number().default(0),
  shippedQuantity: z.number().default(0),
  returnedQuantity: z.number().default(0),
  unfulfilledQuantity: z.number().default(0),
  backorderedQuantity: z.number().default(0),
});
export type StoredSalesOrderLine = z.infer<typeof StoredSalesOrderLineSchema>;

export const StoredSalesOrderReturnSchema = z.object({
  at: z.date(),
  reason: z.string(),
  lines: z.array(z.object({ line: z.number(), quantity: z.number(), to: z.enum(['onHand', 'damaged']) })),
});
export type StoredSalesOrderReturn = z.infer<typeof StoredSalesOrderReturnSchema>;

export const StoredSalesOrderSchema = z.object({
  ...tenantOwned,
  orderNumber: z.string(),
  customerCode: z.string(),
  customerSegment: z.string(),
  locationCode: z.string(),
  status: z.enum(SALES_ORDER_STATUSES),
  onShortage: z.enum(SHORTAGE_POLICIES),
  lines: z.array(StoredSalesOrderLineSchema),
  totalAmount: z.number(),
  notes: optionalText,
  /** Append-only: when each status was reached (confirmation may appear more than once). */
  statusHistory: z.array(z.object({ status: z.enum(SALES_ORDER_STATUSES), at: z.date(), reason: optionalText })).default([]),
  returns: z.array(StoredSalesOrderReturnSchema).default([]),
  orderedAt: z.date(),
  ...timestamps,
});
export type StoredSalesOrder = z.infer<typeof StoredSalesOrderSchema>;

// ----- suppliers and what they sell (`suppliers`, `productSuppliers`) -----

export const StoredSupplierSchema = z.object({
  ...tenantOwned,
  code: z.string(),
  name: z.string(),
  contactName: optionalText,
  email: optionalText,
  phone: optionalText,
  address: optionalText,
  defaultLeadTimeDays: z.number(),
  attributes: StoredAttributesSchema.default({}),
  status: z.enum(['active', 'inactive']).default('active'),
  ...timestamps,
});
export type StoredSupplier = z.infer<typeof StoredSupplierSchema>;

/** What one supplier charges for one product, and how it sells it; at most one per supplier × SKU. */
export const StoredProductSupplierSchema = z.object({
  ...tenantOwned,
  supplierId: StoredObjectIdSchema,
  supplierCode: z.string(),
  sku: z.string(),
  unitCost: z.number(),
  minimumOrderQuantity: z.number(),
  packSize: z.number(),
  /** Absent: the supplier's `defaultLeadTimeDays` applies. */
  leadTimeDays: z.number().nullish(),
  preferred: z.boolean().default(false),
  supplierSku: optionalText,
  ...timestamps,
});
export type StoredProductSupplier = z.infer<typeof StoredProductSupplierSchema>;

// ----- purchase orders (`purchaseOrders`) -----

export const StoredPurchaseOrderLineSchema = z.object({
  line: z.number(),
  sku: z.string(),
  /** Ordered quantity. */
  quantity: z.number(),
  unitCost: z.number(),
  receivedQuantity: z.number().default(0),
});
export type StoredPurchaseOrderLine = z.infer<typeof StoredPurchaseOrderLineSchema>;

export const StoredPurchaseOrderSchema = z.object({
  ...tenantOwned,
  poNumber: z.string(),
  supplierId: StoredObjectIdSchema,
  supplierCode: z.string(),
  locationCode: z.string(),
  status: z.enum(PURCHASE_ORDER_STATUSES),
  lines: z.array(StoredPurchaseOrderLineSchema),
  totalCost: z.number(),
  expectedDate: z.date(),
  orderedAt: z.date().nullable().default(null),
  receivedAt: z.date().nullable().default(null),
  /** Time of the newest receipt (orders stored before it existed have none). */
  lastReceivedAt: z.date().nullish(),
  /** What created it: `manual`, or a planning `recommendation` and its id. */
  source: z.object({ type: z.string(), id: optionalText }),
  receipts: z.array(z.object({ at: z.date(), lines: z.array(z.object({ line: z.number(), quantity: z.number() })) })).default([]),
  statusHistory: z.array(z.object({ status: z.enum(PURCHASE_ORDER_STATUSES), at: z.date(), reason: optionalText })).default([]),
  notes: optionalText,
  ...timestamps,
});
export type StoredPurchaseOrder = z.infer<typeof StoredPurchaseOrderSchema>;
