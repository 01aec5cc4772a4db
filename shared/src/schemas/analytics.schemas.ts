import { z } from 'zod';
import { CodeSchema, DayKeySchema, IsoDateTimeSchema, RequestDayKeySchema, SkuSchema, lineSchema } from './common.schemas.js';

/**
 * What happened to one sales-order line, as the analytics pipeline records it.
 * - `demanded`: the customer asked for `quantity` (at the order time), whatever came of it;
 * - `fulfilled`: `quantity` shipped (at the ship time), with its revenue;
 * - `unfulfilled`: `quantity` demanded but never served (rejected for lack of stock, or cancelled);
 * - `returned`: `quantity` came back (negative revenue).
 */
export const RAW_SALES_EVENT_KINDS = ['demanded', 'fulfilled', 'unfulfilled', 'returned'] as const;
export type RawSalesEventKind = (typeof RAW_SALES_EVENT_KINDS)[number];

/**
 * The immutable "data lake" row: one per order-line event, keyed by its source
 * identity (`so:<orderId>:<line>:<kind>[:<n>]`), so delivering the same change
 * twice writes nothing new.
 */
export interface RawSalesEvent {
  _id: string;
  tenantId: string;
  kind: RawSalesEventKind;
  orderId: string;
  orderNumber: string;
  line: number;
  sku: string;
  locationCode: string;
  customerCode: string;
  customerSegment: string;
  quantity: number;
  unitPrice: number;
  /** quantity × unitPrice for fulfilled, negative for returned, 0 otherwise. */
  revenue: number;
  campaignId: string | null;
  discountPercent: number;
  eventTime: Date;
  /** UTC day of eventTime. */
  day: string;
  ingestedAt: Date;
}

/**
 * One stock movement as analytics keeps it (immutable, keyed by the ledger row's id):
 * enough to know stock-outs and end-of-day on hand per day.
 */
export interface RawStockEvent {
  _id: string;
  tenantId: string;
  sku: string;
  locationCode: string;
  type: string;
  onHandAfter: number;
  availableAfter: number;
  eventTime: Date;
  day: string;
  ingestedAt: Date;
}

/** Daily sales fact per tenant × SKU × location × day. Derived: always equal to a recomputation from raw events. */
export const DailySalesFactSchema = z.object({
  sku: z.string(),
  locationCode: z.string(),
  day: DayKeySchema,
  quantityDemanded: z.number(),
  quantitySold: z.number(),
  quantityReturned: z.number(),
  quantityUnfulfilled: z.number(),
  revenue: z.number(),
  orders: z.number().int(),
  campaignActive: z.boolean(),
  /** Available stock was zero at some point of the day (or the day started at zero). */
  stockOut: z.boolean(),
  /** On hand at the end of the day (carried from the last movement); null when never stocked. */
  endOfDayOnHand: z.number().nullable(),
});
export type DailySalesFact = z.infer<typeof DailySalesFactSchema>;

/**
 * Model-ready features of one SKU on one day (all locations together). Every
 * value is a finite number (flags 0/1); values at day d use only days before d
 * (except the calendar and the flags known in advance), so a model trained on
 * them cannot see the future.
 */
export const FeatureRowSchema = z.object({
  sku: z.string(),
  day: DayKeySchema,
  /** The target: demand on that day (sold + unfulfilled, i.e. what customers asked for). */
  demand: z.number(),
  sold: z.number(),
  lag1: z.number(),
  lag7: z.number(),
  lag14: z.number(),
  rollingMean7: z.number(),
  rollingMean28: z.number(),
  /** Recent direction: mean of the last 7 days over the 7 before (1 = flat). */
  trendIndex: z.number(),
  /** ISO day of week, 1 = Monday … 7 = Sunday. */
  dayOfWeek: z.number().int(),
  campaignFlag: z.number().int(),
  holidayFlag: z.number().int(),
  stockOutFlag: z.number().int(),
});
export type FeatureRow = z.infer<typeof FeatureRowSchema>;

// ----- internal endpoints (seed 000) -----

export const SalesHistoryQuerySchema = z
  .object({
    sku: SkuSchema,
    start: RequestDayKeySchema,
    end: RequestDayKeySchema,
    locationCode: CodeSchema.optional(),
    includeCampaigns: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
  })
  .strict()
  .refine((q) => q.start <= q.end, { message: 'end must not be before start', path: ['end'] });

/** One day of one SKU's sales history (seed 000's shape, camelCase), zero-filled across the range. */
export const SalesHistoryRowSchema = z.object({
  date: DayKeySchema,
  sku: z.string(),
  quantitySold: z.number(),
  /** What customers asked for, including what could not be served. */
  quantityDemanded: z.number(),
  revenue: z.number(),
  orders: z.number().int(),
  stockOut: z.boolean(),
  /** ISO day of week, 1 = Monday. */
  dayOfWeek: z.number().int(),
  /** Present when `includeCampaigns` is true (the default). */
  campaignActive: z.boolean().optional(),
});
export const SalesHistorySchema = z.array(SalesHistoryRowSchema);
export type SalesHistoryRow = z.infer<typeof SalesHistoryRowSchema>;

/** `GET /api/internal/analytics/seasonality-data`: weekday/month profiles for many SKUs at once. */
export const SeasonalityDataQuerySchema = z
  .object({
    skus: lineSchema(2_000).optional().describe('comma-separated SKUs; default: all with history'),
    limit: z.coerce.number().int().min(1).max(1_000).default(200),
  })
  .strict();

export const SeasonalityProfileSchema = z.object({
  sku: z.string(),
  /** Mean demand per ISO weekday (1–7) divided by the overall mean: 1 = average day. */
  weekday: z.array(z.object({ dayOfWeek: z.number().int(), index: z.number() })),
  /** Same per calendar month (1–12), when the history covers it. */
  month: z.array(z.object({ month: z.number().int(), index: z.number() })),
  daysOfHistory: z.number().int(),
});
export type SeasonalityProfile = z.infer<typeof SeasonalityProfileSchema>;

export const TrendSchema = z.object({
  sku: z.string(),
  /** Least-squares slope of daily demand, units per day, over the window. */
  slopePerDay: z.number(),
  /** Mean demand of the last 28 days over the 28 before (1 = flat). */
  recentVsPrevious: z.number(),
  direction: z.enum(['up', 'flat', 'down']),
  window: z.object({ start: DayKeySchema, end: DayKeySchema, days: z.number().int() }),
  weekly: z.array(z.object({ weekStart: DayKeySchema, demand: z.number() })),
});
export type Trend = z.infer<typeof TrendSchema>;

export const CdcStatusSchema = z.object({
  state: z.enum(['starting', 'backfilling', 'streaming', 'stopped', 'failed']),
  lastEventAt: IsoDateTimeSchema.nullable(),
  lastCheckpointAt: IsoDateTimeSchema.nullable(),
  /** Seconds between the newest source change seen and now (null before the first). */
  lagSeconds: z.number().nullable(),
  eventsProcessed: z.number().int(),
});
export type CdcStatus = z.infer<typeof CdcStatusSchema>;
