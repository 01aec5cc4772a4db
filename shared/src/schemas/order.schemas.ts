import { z } from 'zod';
import {
  CodeSchema,
  INPUT_LIMITS,
  IsoDateTimeSchema,
  MoneySchema,
  ObjectIdSchema,
  PageQuerySchema,
  PositiveQuantitySchema,
  RequestDateTimeSchema,
  SkuSchema,
  lineSchema,
  pageSchema,
  textSchema,
} from './common.schemas.js';

/**
 * The total of the lines that state their price, if it is a safe number of
 * cents. Each line is bounded (price ≤ 10,000,000, quantity ≤ 1,000,000), but
 * 500 of them could still add up past what a double holds to the cent.
 * Lines priced by the catalog are bounded by the catalog's own bound.
 */
function hasSafeTotal(lines: ReadonlyArray<{ quantity: number; price?: number | undefined }>): boolean {
  const total = lines.reduce((sum, line) => sum + line.quantity * (line.price ?? 0), 0);
  return Number.isSafeInteger(Math.round(total * 100));
}
const SAFE_TOTAL_MESSAGE = 'the order total must stay below 90,071,992,547,409 (exact to the cent)';

const reason = lineSchema(500, 3);
const notes = textSchema(1_000, 0);

/**
 * Sales orders. Lifecycle: pending → confirmed → shipped → delivered, and
 * cancelled (from pending or confirmed, releasing reservations); `rejected`
 * when no line could be served. Every quantity a customer asked for stays on
 * its line as `quantity` (true demand), whatever happened to it.
 */
export const SALES_ORDER_STATUSES = ['pending', 'confirmed', 'shipped', 'delivered', 'cancelled', 'rejected'] as const;
export type SalesOrderStatus = (typeof SALES_ORDER_STATUSES)[number];

/**
 * What confirmation does with a line whose SKU lacks stock:
 * - `fail` (default): the whole confirmation is refused (409), nothing is reserved;
 * - `reject`: that line is rejected (its quantity recorded as unfulfilled demand), the rest reserved;
 * - `backorder`: that line is back-ordered (reserved by a later confirm), the rest reserved.
 */
export const SHORTAGE_POLICIES = ['fail', 'reject', 'backorder'] as const;
export type ShortagePolicy = (typeof SHORTAGE_POLICIES)[number];

export const LINE_STATUSES = ['open', 'reserved', 'backordered', 'rejected', 'shipped', 'cancelled'] as const;

export const CreateSalesOrderSchema = z
  .object({
    customerCode: CodeSchema,
    locationCode: CodeSchema,
    lines: z
      .array(
        z
          .object({
            sku: SkuSchema,
            quantity: PositiveQuantitySchema,
            /** Overrides the price; default: list price less the active campaign's discount. */
            unitPrice: MoneySchema.optional(),
            /** Apply this campaign (must be active and cover the SKU); default: the best active one. */
            campaignId: ObjectIdSchema.optional(),
          })
          .strict(),
      )
      .min(1)
      .max(INPUT_LIMITS.maxOrderLines)
      .refine((lines) => hasSafeTotal(lines.map((l) => ({ quantity: l.quantity, price: l.unitPrice }))), SAFE_TOTAL_MESSAGE),
    onShortage: z.enum(SHORTAGE_POLICIES).default('fail'),
    /** Confirm (reserve) right away, as the order desk usually does. */
    confirm: z.boolean().default(false),
    notes: notes.optional(),
  })
  .strict();
export type CreateSalesOrder = z.infer<typeof CreateSalesOrderSchema>;

export const SalesOrderLineSchema = z.object({
  line: z.number().int(),
  sku: z.string(),
  quantity: z.number().int(),
  listPrice: z.number(),
  unitPrice: z.number(),
  discountPercent: z.number(),
  campaignId: z.string().nullable(),
  status: z.enum(LINE_STATUSES),
  reservedQuantity: z.number().int(),
  shippedQuantity: z.number().int(),
  returnedQuantity: z.number().int(),
  /** Demanded but not served: rejected for lack of stock, or cancelled before shipping. */
  unfulfilledQuantity: z.number().int(),
  backorderedQuantity: z.number().int(),
  lineTotal: z.number(),
});
export type SalesOrderLine = z.infer<typeof SalesOrderLineSchema>;

export const SalesOrderSchema = z.object({
  id: z.string(),
  orderNumber: z.string(),
  customerCode: z.string(),
  customerSegment: z.string(),
  locationCode: z.string(),
  status: z.enum(SALES_ORDER_STATUSES),
  onShortage: z.enum(SHORTAGE_POLICIES),
  lines: z.array(SalesOrderLineSchema),
  totalAmount: z.number(),
  notes: z.string().optional(),
  statusHistory: z.array(z.object({ status: z.enum(SALES_ORDER_STATUSES), at: IsoDateTimeSchema })),
  orderedAt: IsoDateTimeSchema,
  createdAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
});
export type SalesOrder = z.infer<typeof SalesOrderSchema>;

export const SalesOrderTransitionSchema = z
  .object({
    status: z.enum(['confirmed', 'shipped', 'delivered', 'cancelled']),
    /** For `confirmed`: override the order's shortage policy for this attempt. */
    onShortage: z.enum(SHORTAGE_POLICIES).optional(),
    reason: reason.optional(),
  })
  .strict();
export type SalesOrderTransition = z.infer<typeof SalesOrderTransitionSchema>;

export const SalesReturnSchema = z
  .object({
    lines: z
      .array(
        z
          .object({
            line: z.number().int().min(0),
            quantity: PositiveQuantitySchema,
            /** Back to sellable stock, or straight to damaged. */
            to: z.enum(['onHand', 'damaged']).default('onHand'),
          })
          .strict(),
      )
      .min(1)
      .max(INPUT_LIMITS.maxOrderLines),
    reason,
  })
  .strict();
export type SalesReturn = z.infer<typeof SalesReturnSchema>;

export const ListSalesOrdersQuerySchema = PageQuerySchema.extend({
  sort: z.enum(['orderedAt', 'orderNumber']).default('orderedAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
  status: z.enum(SALES_ORDER_STATUSES).optional(),
  customerCode: CodeSchema.optional(),
  locationCode: CodeSchema.optional(),
  sku: SkuSchema.optional(),
  from: RequestDateTimeSchema.optional(),
  to: RequestDateTimeSchema.optional(),
}).strict();
export type ListSalesOrdersQuery = z.infer<typeof ListSalesOrdersQuerySchema>;

export const SalesOrderPageSchema = pageSchema(SalesOrderSchema);

/** Purchase orders: draft → ordered → partiallyReceived → received, or cancelled. */
export const PURCHASE_ORDER_STATUSES = ['draft', 'ordered', 'partiallyReceived', 'received', 'cancelled'] as const;
export type PurchaseOrderStatus = (typeof PURCHASE_ORDER_STATUSES)[number];

export const CreatePurchaseOrderSchema = z
  .object({
    supplierId: ObjectIdSchema,
    locationCode: CodeSchema,
    lines: z
      .array(z.object({ sku: SkuSchema, quantity: PositiveQuantitySchema, unitCost: MoneySchema.optional() }).strict())
      .min(1)
      .max(INPUT_LIMITS.maxOrderLines)
      .refine((lines) => hasSafeTotal(lines.map((l) => ({ quantity: l.quantity, price: l.unitCost }))), SAFE_TOTAL_MESSAGE),
    expectedDate: RequestDateTimeSchema,
    /** What created it, e.g. a planning recommendation. */
    source: z
      .object({ type: z.enum(['manual', 'recommendation']), id: lineSchema(64).optional() })
      .strict()
      .optional(),
    /** Place the order with the supplier right away (raises on order). */
    order: z.boolean().default(false),
    notes: notes.optional(),
  })
  .strict();
export type CreatePurchaseOrder = z.infer<typeof CreatePurchaseOrderSchema>;

export const PurchaseOrderLineSchema = z.object({
  line: z.number().int(),
  sku: z.string(),
  quantity: z.number().int(),
  unitCost: z.number(),
  receivedQuantity: z.number().int(),
  lineTotal: z.number(),
});

export const PurchaseOrderSchema = z.object({
  id: z.string(),
  poNumber: z.string(),
  supplierId: z.string(),
  supplierCode: z.string(),
  locationCode: z.string(),
  status: z.enum(PURCHASE_ORDER_STATUSES),
  lines: z.array(PurchaseOrderLineSchema),
  totalCost: z.number(),
  expectedDate: IsoDateTimeSchema,
  orderedAt: IsoDateTimeSchema.nullable(),
  receivedAt: IsoDateTimeSchema.nullable(),
  source: z.object({ type: z.string(), id: z.string().optional() }),
  receipts: z.array(z.object({ at: IsoDateTimeSchema, lines: z.array(z.object({ line: z.number().int(), quantity: z.number().int() })) })),
  notes: z.string().optional(),
  createdAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
});
export type PurchaseOrder = z.infer<typeof PurchaseOrderSchema>;

export const PurchaseOrderTransitionSchema = z.object({ status: z.enum(['ordered', 'cancelled']), reason: reason.optional() }).strict();

export const ReceivePurchaseOrderSchema = z
  .object({
    lines: z
      .array(z.object({ line: z.number().int().min(0), quantity: PositiveQuantitySchema }).strict())
      .min(1)
      .max(INPUT_LIMITS.maxOrderLines),
    /** When the goods arrived; default now. Used for supplier on-time performance. */
    receivedAt: RequestDateTimeSchema.optional(),
  })
  .strict();
export type ReceivePurchaseOrder = z.infer<typeof ReceivePurchaseOrderSchema>;

/** A purchase-order number as the product issues them (`PO-YYYYMMDD-NNNN`); case does not matter. */
export const PoNumberSchema = z
  .string()
  .trim()
  .regex(/^PO-\d{8}-\d{4,9}$/i, 'a purchase-order number looks like PO-20260301-0001')
  .transform((n) => n.toUpperCase());

export const PoNumberParamsSchema = z.object({ poNumber: PoNumberSchema }).strict();

export const ListPurchaseOrdersQuerySchema = PageQuerySchema.extend({
  /** The order with this number (at most one). */
  poNumber: PoNumberSchema.optional(),
  sort: z.enum(['createdAt', 'expectedDate', 'poNumber']).default('createdAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
  status: z.enum(PURCHASE_ORDER_STATUSES).optional(),
  supplierId: ObjectIdSchema.optional(),
  locationCode: CodeSchema.optional(),
  sku: SkuSchema.optional(),
  /** What created the orders; `sourceType=recommendation&sourceId=<request id>` finds the one order of an accepted recommendation request. */
  sourceType: z.enum(['manual', 'recommendation']).optional(),
  sourceId: lineSchema(64).optional(),
}).strict();

export const PurchaseOrderPageSchema = pageSchema(PurchaseOrderSchema);
