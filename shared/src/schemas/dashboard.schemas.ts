import { z } from 'zod';
import { ALERT_SEVERITIES } from './alert.schemas.js';
import { DayKeySchema, IsoDateTimeSchema } from './common.schemas.js';
import { PLANNING_PRIORITIES, RECOMMENDATION_TYPES } from './planning.schemas.js';

/**
 * The morning dashboard (seed 000's `/api/dashboard/summary` and `/details`,
 * camelCase) and seed 000's internal reads for planning
 * (`/api/internal/stock/critical`, `/excess`, `/suppliers/lead-times`,
 * `/orders/pending-delivery`), served by service-analytics `dashboard/` from
 * stored read models. Every number says how it is defined; every KPI the
 * period it covers.
 */

// ----- summary -----

/** A count or amount with the sentence that defines it. */
export const DashboardMetricSchema = z.object({ value: z.number(), definition: z.string() });
export type DashboardMetric = z.infer<typeof DashboardMetricSchema>;

/** A KPI measured over a period of UTC days (`from`–`to` inclusive; both the same day for a point-in-time figure); null when nothing was measured. */
export const DashboardKpiSchema = z.object({ value: z.number().nullable(), from: DayKeySchema, to: DayKeySchema, definition: z.string() });
export type DashboardKpi = z.infer<typeof DashboardKpiSchema>;

const byPriority = z.object(
  Object.fromEntries(PLANNING_PRIORITIES.map((p) => [p, z.number().int()])) as Record<(typeof PLANNING_PRIORITIES)[number], z.ZodNumber>,
);
const bySeverity = z.object(Object.fromEntries(ALERT_SEVERITIES.map((s) => [s, z.number().int()])) as Record<(typeof ALERT_SEVERITIES)[number], z.ZodNumber>);

export const DashboardSummarySchema = z.object({
  /** When the numbers were computed (the summary is a stored document refreshed after planning runs; see `source`). */
  asOf: IsoDateTimeSchema,
  /** `stored`: the tenant's stored summary; `live`: computed for this request (no summary stored yet). */
  source: z.enum(['stored', 'live']),
  /** A planning run completed after `asOf`: the stored numbers are being refreshed (within seconds, by the analytics service's refresher). */
  stale: z.boolean(),
  criticalMetrics: z.object({
    productsAtRisk: DashboardMetricSchema,
    pendingStockouts: DashboardMetricSchema,
    excessInventoryValue: DashboardMetricSchema,
    pendingPurchaseOrders: DashboardMetricSchema,
    overduePurchaseOrders: DashboardMetricSchema,
  }),
  /** PENDING recommendations by priority. */
  recommendationsSummary: byPriority.extend({ total: z.number().int() }),
  /** ACTIVE and ACKNOWLEDGED alerts by severity. */
  alertsActive: bySeverity.extend({ total: z.number().int() }),
  potentialSavings: DashboardMetricSchema,
  kpis: z.object({
    fillRate7d: DashboardKpiSchema,
    fillRate30d: DashboardKpiSchema,
    stockoutRate7d: DashboardKpiSchema,
    stockoutRate30d: DashboardKpiSchema,
    inventoryValue: DashboardKpiSchema,
    averageDaysOfCover: DashboardKpiSchema,
    forecastAccuracy: DashboardKpiSchema,
  }),
});
export type DashboardSummary = z.infer<typeof DashboardSummarySchema>;

// ----- details -----

/** Longest list one details or internal read answers. */
export const MAX_DASHBOARD_LIST = 100;
export const DEFAULT_DASHBOARD_LIST = 10;
/** Days without a sale after which stock on hand is slow-moving: the default, the least and the most the query may ask. */
export const DEFAULT_SLOW_MOVING_DAYS = 30;
export const MIN_SLOW_MOVING_DAYS = 7;
export const MAX_SLOW_MOVING_DAYS = 365;

const ListLimitSchema = z.coerce.number().int().min(1).max(MAX_DASHBOARD_LIST).default(DEFAULT_DASHBOARD_LIST);

export const DashboardDetailsQuerySchema = z
  .object({
    limit: ListLimitSchema.describe(`items per list, 1–${MAX_DASHBOARD_LIST}`),
    slowMovingDays: z.coerce
      .number()
      .int()
      .min(MIN_SLOW_MOVING_DAYS)
      .max(MAX_SLOW_MOVING_DAYS)
      .default(DEFAULT_SLOW_MOVING_DAYS)
      .describe('stock on hand with no sale in this many days is slow-moving'),
  })
  .strict();
export type DashboardDetailsQuery = z.infer<typeof DashboardDetailsQuerySchema>;

export const StockoutRiskSchema = z.object({
  alertId: z.string(),
  recommendationId: z.string().nullable(),
  sku: z.string(),
  productName: z.string(),
  locationCode: z.string().nullable(),
  severity: z.enum(ALERT_SEVERITIES),
  predictedDate: DayKeySchema.nullable(),
  unitsShort: z.number(),
  valueAtRisk: z.number(),
  title: z.string(),
});

export const ReorderNeededSchema = z.object({
  recommendationId: z.string(),
  sku: z.string(),
  productName: z.string(),
  locationCode: z.string(),
  priority: z.enum(PLANNING_PRIORITIES),
  quantity: z.number(),
  supplierCode: z.string().nullable(),
  orderByDate: DayKeySchema.nullable(),
  stockoutDate: DayKeySchema.nullable(),
  cost: z.number(),
  action: z.string(),
});

export const SlowMovingItemSchema = z.object({
  sku: z.string(),
  productName: z.string(),
  locationCode: z.string(),
  onHand: z.number(),
  /** On hand × the SKU's lowest supplier cost (its list price when no supplier sells it). */
  value: z.number(),
  /** null: no sale in the facts' window (`lastSaleWindowDays` of the details answer). */
  lastSaleDay: DayKeySchema.nullable(),
});

export const OptimizationOpportunitySchema = z.object({
  recommendationId: z.string(),
  type: z.enum(RECOMMENDATION_TYPES),
  sku: z.string(),
  productName: z.string(),
  locationCode: z.string(),
  fromLocationCode: z.string().nullable(),
  quantity: z.number(),
  /** EXCESS_STOCK: the value tied up; TRANSFER: the transfer's cost. */
  value: z.number(),
  savingsPotential: z.number(),
  action: z.string(),
});

export const DashboardDetailsSchema = z.object({
  /** When the stored lists were read; `slowMovingAsOf`: when the slow-moving read model was last refreshed (null: never). */
  asOf: IsoDateTimeSchema,
  slowMovingAsOf: IsoDateTimeSchema.nullable(),
  slowMovingDays: z.number().int(),
  /** Open STOCKOUT_PREDICTED alerts, soonest predicted stock-out first, then the larger value at risk. */
  stockoutRisks: z.array(StockoutRiskSchema),
  /** PENDING REORDER recommendations: CRITICAL first, then by priority, then the earliest order-by date. */
  reorderNeeded: z.array(ReorderNeededSchema),
  /** Stock on hand with no sale in `slowMovingDays`, the largest value first. */
  slowMovingItems: z.array(SlowMovingItemSchema),
  /** PENDING EXCESS_STOCK (do not reorder) and TRANSFER (move the excess) recommendations, the largest savings first. */
  optimizationOpportunities: z.array(OptimizationOpportunitySchema),
});
export type DashboardDetails = z.infer<typeof DashboardDetailsSchema>;

// ----- internal reads for planning -----

export const InternalListQuerySchema = z.object({ limit: ListLimitSchema.describe(`items, 1–${MAX_DASHBOARD_LIST}`) }).strict();

export const CriticalStockItemSchema = z.object({
  sku: z.string(),
  productName: z.string(),
  locationCode: z.string(),
  onHand: z.number(),
  available: z.number(),
  /** The product's safety stock (master data). */
  safetyStock: z.number(),
  /** safetyStock − available. */
  shortBy: z.number(),
  /** The last planning run's reorder point and position for the pair, null when never planned. */
  plannedReorderPoint: z.number().nullable(),
  plannedPosition: z.number().nullable(),
});
export const CriticalStockSchema = z.object({ items: z.array(CriticalStockItemSchema), definition: z.string() });
export type CriticalStock = z.infer<typeof CriticalStockSchema>;

export const ExcessStockItemSchema = z.object({
  recommendationId: z.string(),
  sku: z.string(),
  productName: z.string(),
  locationCode: z.string(),
  position: z.number(),
  excessQuantity: z.number(),
  value: z.number(),
  runId: z.string(),
});
export const ExcessStockSchema = z.object({ items: z.array(ExcessStockItemSchema), definition: z.string() });
export type ExcessStock = z.infer<typeof ExcessStockSchema>;

export const SupplierLeadTimeSchema = z.object({
  supplierCode: z.string(),
  name: z.string(),
  status: z.string(),
  /** The supplier's stated default lead time and the range stated on its product links (null: none states its own). */
  statedLeadTimeDays: z.number(),
  statedLinkLeadTimeDays: z.object({ min: z.number(), max: z.number() }).nullable(),
  /** Measured from its received purchase orders (null until one records when it was placed). */
  measured: z.object({
    receivedOrders: z.number().int(),
    meanLeadTimeDays: z.number().nullable(),
    leadTimeStdDays: z.number().nullable(),
    meanDelayDays: z.number(),
    onTimeRate: z.number(),
  }),
});
export const SupplierLeadTimesSchema = z.object({ items: z.array(SupplierLeadTimeSchema) });
export type SupplierLeadTimes = z.infer<typeof SupplierLeadTimesSchema>;

export const PendingDeliverySchema = z.object({
  purchaseOrderId: z.string(),
  poNumber: z.string(),
  supplierCode: z.string(),
  locationCode: z.string(),
  status: z.string(),
  expectedDate: IsoDateTimeSchema,
  overdue: z.boolean(),
  lines: z.array(z.object({ sku: z.string(), openQuantity: z.number(), unitCost: z.number() })),
  openValue: z.number(),
});
export const PendingDeliveriesSchema = z.object({ items: z.array(PendingDeliverySchema), definition: z.string() });
export type PendingDeliveries = z.infer<typeof PendingDeliveriesSchema>;

// ----- GET /api/dashboard/trends -----

export const MAX_TREND_DAYS = 180;

/** `GET /api/dashboard/trends`: the last `days` whole UTC days (ending yesterday: today's facts are still arriving). */
export const DashboardTrendsQuerySchema = z
  .object({ days: z.coerce.number().int().min(7).max(MAX_TREND_DAYS).default(90).describe(`days of history, 7–${MAX_TREND_DAYS}`) })
  .strict();
export type DashboardTrendsQuery = z.infer<typeof DashboardTrendsQuerySchema>;

/** One day of the tenant's daily sales facts, summed over every SKU × location; days without facts are absent. */
export const DashboardTrendDaySchema = z.object({
  day: DayKeySchema,
  demanded: z.number(),
  sold: z.number(),
  unfulfilled: z.number(),
  revenue: z.number(),
  /** 1 − unfulfilled ÷ demanded (the summary's fill rate, for one day); null without demand. */
  fillRate: z.number().nullable(),
  /** Stock-out rows ÷ rows (the summary's stock-out rate, for one day). */
  stockoutRate: z.number(),
});
export const DashboardTrendsSchema = z.object({ from: DayKeySchema, to: DayKeySchema, days: z.array(DashboardTrendDaySchema), definition: z.string() });
export type DashboardTrends = z.infer<typeof DashboardTrendsSchema>;
