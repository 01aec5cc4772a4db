import { z } from 'zod';
import {
  CodeSchema,
  INPUT_LIMITS,
  IsoDateTimeSchema,
  PageQuerySchema,
  PositiveQuantitySchema,
  QueryBooleanSchema,
  RequestDateTimeSchema,
  SkuSchema,
  lineSchema,
  pageSchema,
} from './common.schemas.js';

/** The quantities a stock position keeps. `available` is derived: onHand − reserved. */
export const STOCK_BUCKETS = ['onHand', 'reserved', 'onOrder', 'inTransit', 'damaged'] as const;
export type StockBucket = (typeof STOCK_BUCKETS)[number];

export const MOVEMENT_TYPES = [
  'receipt',
  'sale',
  'reserve',
  'release',
  'adjustment',
  'transferOut',
  'transferIn',
  'return',
  'damage',
  'writeOff',
  'order',
  'orderCancel',
] as const;
export type MovementType = (typeof MOVEMENT_TYPES)[number];

export const BalancesSchema = z.object({
  onHand: z.number().int(),
  reserved: z.number().int(),
  available: z.number().int(),
  onOrder: z.number().int(),
  inTransit: z.number().int(),
  damaged: z.number().int(),
});
export type Balances = z.infer<typeof BalancesSchema>;

/** Signed change per bucket; absent buckets did not change. */
export const BucketDeltasSchema = z.object({
  onHand: z.number().int().optional(),
  reserved: z.number().int().optional(),
  onOrder: z.number().int().optional(),
  inTransit: z.number().int().optional(),
  damaged: z.number().int().optional(),
});
export type BucketDeltas = z.infer<typeof BucketDeltasSchema>;

export const StockPositionSchema = BalancesSchema.extend({
  sku: SkuSchema,
  locationCode: z.string(),
  reorderPoint: z.number().int(),
  /** available < reorderPoint */
  lowStock: z.boolean(),
  updatedAt: IsoDateTimeSchema,
});
export type StockPosition = z.infer<typeof StockPositionSchema>;

/** What caused a movement: an order line, a transfer, a manual adjustment... */
export const MovementReferenceSchema = z.object({
  type: z.string(),
  id: z.string(),
  line: z.number().int().optional(),
});
export type MovementReference = z.infer<typeof MovementReferenceSchema>;

export const StockMovementSchema = z.object({
  id: z.string(),
  sku: z.string(),
  locationCode: z.string(),
  type: z.enum(MOVEMENT_TYPES),
  deltas: BucketDeltasSchema,
  balanceAfter: BalancesSchema,
  reference: MovementReferenceSchema,
  reason: z.string().optional(),
  actor: z.object({ apiKeyId: z.string(), keyName: z.string() }),
  at: IsoDateTimeSchema,
});
export type StockMovement = z.infer<typeof StockMovementSchema>;

const reason = lineSchema(500, 3, 'say why, in at least 3 characters');

/** Count correction at one location. `quantity` is signed: +5 found, −3 missing. */
export const StockAdjustmentSchema = z
  .object({
    sku: SkuSchema,
    locationCode: CodeSchema,
    quantity: z
      .number()
      .int()
      .min(-INPUT_LIMITS.maxQuantity)
      .max(INPUT_LIMITS.maxQuantity)
      .refine((q) => q !== 0, 'must not be 0'),
    reason,
  })
  .strict();
export type StockAdjustment = z.infer<typeof StockAdjustmentSchema>;

export const StockTransferSchema = z
  .object({
    sku: SkuSchema,
    fromLocationCode: CodeSchema,
    toLocationCode: CodeSchema,
    quantity: PositiveQuantitySchema,
    reason: reason.optional(),
  })
  .strict()
  .refine((t) => t.fromLocationCode !== t.toLocationCode, {
    message: 'must differ from fromLocationCode',
    path: ['toLocationCode'],
  });
export type StockTransfer = z.infer<typeof StockTransferSchema>;

/** Move sellable stock to damaged (`damage`) or remove damaged stock for good (`writeOff`). */
export const StockDamageSchema = z.object({ sku: SkuSchema, locationCode: CodeSchema, quantity: PositiveQuantitySchema, reason }).strict();
export type StockDamage = z.infer<typeof StockDamageSchema>;
export const StockWriteOffSchema = StockDamageSchema;

export const StockMutationResultSchema = z.object({
  movements: z.array(StockMovementSchema),
  positions: z.array(StockPositionSchema),
});
export type StockMutationResult = z.infer<typeof StockMutationResultSchema>;

export const CurrentStockQuerySchema = PageQuerySchema.extend({
  sku: SkuSchema.optional(),
  locationCode: CodeSchema.optional(),
  lowStock: QueryBooleanSchema.optional(),
}).strict();

export const MovementsQuerySchema = PageQuerySchema.extend({
  sku: SkuSchema.optional(),
  locationCode: CodeSchema.optional(),
  type: z.enum(MOVEMENT_TYPES).optional(),
  referenceType: lineSchema(40).optional(),
  referenceId: lineSchema(64).optional(),
  from: RequestDateTimeSchema.optional(),
  to: RequestDateTimeSchema.optional(),
  // Newest first is what people read a ledger for.
  order: z.enum(['asc', 'desc']).default('desc'),
}).strict();

export const AvailabilityQuerySchema = z
  .object({
    sku: SkuSchema.optional(),
    locationCode: CodeSchema.optional(),
    /** Count purchase orders expected by this time (default: now). */
    date: RequestDateTimeSchema.optional(),
  })
  .strict();

export const AvailabilitySchema = z.object({
  sku: z.string(),
  locationCode: z.string(),
  onHand: z.number().int(),
  reserved: z.number().int(),
  available: z.number().int(),
  onOrder: z.number().int(),
  /** Confirmed demand waiting for stock (back-ordered lines). */
  backordered: z.number().int(),
  /** Outstanding purchase-order quantity expected by `date`. */
  incomingByDate: z.number().int(),
  /** available − backordered + incomingByDate: what can still be promised by `date`. */
  availableToPromise: z.number().int(),
  date: IsoDateTimeSchema,
});
export type Availability = z.infer<typeof AvailabilitySchema>;

export const ReconcileReportSchema = z.object({
  positionsChecked: z.number().int(),
  movementsChecked: z.number().int(),
  drift: z.array(z.object({ sku: z.string(), locationCode: z.string(), bucket: z.string(), position: z.number(), ledger: z.number() })),
});
export type ReconcileReport = z.infer<typeof ReconcileReportSchema>;

export const ProductStockSchema = z.object({
  sku: z.string(),
  name: z.string(),
  unit: z.string(),
  totals: BalancesSchema,
  locations: z.array(StockPositionSchema),
});

export const StockPositionPageSchema = pageSchema(StockPositionSchema);
export const StockMovementPageSchema = pageSchema(StockMovementSchema);
