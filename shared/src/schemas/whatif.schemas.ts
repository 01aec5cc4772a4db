import { z } from 'zod';
import { CodeSchema, DayKeySchema, lineSchema, QueryBooleanSchema, RequestDayKeySchema, SkuSchema } from './common.schemas.js';

/**
 * `POST /api/analysis/whatif` (issue 17, seed 000's body in camelCase): a
 * scenario over some products and the stock, stock-outs, cost and purchase
 * orders it would take, against the baseline of the stored forecasts.
 * Nothing is written unless `?save=true`.
 */

/** Most days one analysis looks ahead. */
export const MAX_WHATIF_HORIZON = 180;
/** Most SKUs one analysis covers (narrow by category or list beyond it). */
export const MAX_WHATIF_SKUS = 2_000;

const DemandChangeSchema = z
  .object({
    type: z.literal('demandChange'),
    /** Demand × multiplier (2 = doubled) … */
    multiplier: z.number().min(0).max(100).optional(),
    /** … or ± percent (50 = +50 %, −20 = −20 %); exactly one of the two. */
    percentage: z.number().min(-100).max(10_000).optional(),
    from: RequestDayKeySchema,
    to: RequestDayKeySchema,
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.multiplier === undefined) === (s.percentage === undefined))
      ctx.addIssue({ code: 'custom', path: ['multiplier'], message: 'give exactly one of multiplier or percentage' });
    if (s.from > s.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be on or after from' });
  });

const CampaignSchema = z
  .object({
    type: z.literal('campaign'),
    discountPct: z.number().min(0).max(90),
    start: RequestDayKeySchema,
    durationDays: z.number().int().min(1).max(MAX_WHATIF_HORIZON),
  })
  .strict();

const SupplierDelaySchema = z
  .object({
    type: z.literal('supplierDelay'),
    supplierCode: CodeSchema,
    extraDays: z.number().int().min(1).max(365),
  })
  .strict();

export const WhatIfScenarioSchema = z.discriminatedUnion('type', [DemandChangeSchema, CampaignSchema, SupplierDelaySchema]);
export type WhatIfScenario = z.infer<typeof WhatIfScenarioSchema>;

export const WhatIfProductsSchema = z.union([
  z.object({ skus: z.array(SkuSchema).min(1).max(MAX_WHATIF_SKUS) }).strict(),
  z.object({ category: lineSchema(100) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);

export const WhatIfRequestBodySchema = z
  .object({
    scenario: WhatIfScenarioSchema,
    /** `{ skus: [...] }`, `{ category }` or `{ all: true }`. */
    products: WhatIfProductsSchema,
    locationCode: CodeSchema.optional(),
    /** Days from today the analysis covers (the scenario's days must fall in them). */
    horizon: z.number().int().min(1).max(MAX_WHATIF_HORIZON).default(28),
    /** A name for a saved scenario. */
    name: lineSchema(200).optional(),
  })
  .strict();
export type WhatIfRequestBody = z.infer<typeof WhatIfRequestBodySchema>;

export const WhatIfQuerySchema = z.object({ save: QueryBooleanSchema.optional() }).strict();

const IntervalSchema = z.object({ confidence: z.number(), lower: z.number(), upper: z.number() });

export const WhatIfOrderSchema = z.object({
  supplierCode: z.string(),
  supplierName: z.string(),
  quantity: z.number(),
  unitCost: z.number(),
  cost: z.number(),
  needDate: DayKeySchema,
  /** needDate − effective lead time (rounded up to whole days). */
  orderByDate: DayKeySchema,
  leadTimeDays: z.number(),
  /** The order-by date is before today: the need cannot be covered in time. */
  late: z.boolean(),
});

/** One side (baseline or scenario) of one SKU × location, or their sums. */
export const WhatIfOutcomeSchema = z.object({
  demand: z.number(),
  /** Of the period's demand, where the forecast has intervals (null otherwise). */
  demandInterval: IntervalSchema.nullable(),
  /** First day the expected stock runs out (null: it does not within the period). */
  stockoutDate: DayKeySchema.nullable(),
  /** Expected units short over the period: E[(demand − available)⁺] under the forecast's normal error. */
  unitsShort: z.number(),
  revenueAtRisk: z.number(),
  /** Safety stock at the pair's service level for the period's demand. */
  safetyStock: z.number(),
  /** Units to add so the period's demand is covered at the service level: mean + z·σ − available. */
  stockNeeded: z.number(),
  stockNeededCost: z.number(),
  orders: z.array(WhatIfOrderSchema),
});
export type WhatIfOutcome = z.infer<typeof WhatIfOutcomeSchema>;

export const WhatIfLiftSchema = z.object({
  appliedLift: z.number(),
  learnedLift: z.number(),
  source: z.enum(['sku-history', 'tenant-median']),
  campaignDays: z.number(),
  averageDiscountPercent: z.number(),
});

export const WhatIfLocationSchema = z.object({
  locationCode: z.string(),
  /** On hand − reserved − back-ordered + in transit, plus open orders arriving within the period. */
  available: z.number(),
  serviceLevel: z.number(),
  baseline: WhatIfOutcomeSchema,
  scenario: WhatIfOutcomeSchema,
});

export const WhatIfProductSchema = z.object({
  sku: z.string(),
  name: z.string(),
  /** Campaign scenarios: the lift used for this product. */
  lift: WhatIfLiftSchema.nullable(),
  locations: z.array(WhatIfLocationSchema),
  baseline: WhatIfOutcomeSchema,
  scenario: WhatIfOutcomeSchema,
});

/** Sums over every product and location (orders counted, not listed again). */
export const WhatIfTotalSchema = z.object({
  demand: z.number(),
  earliestStockoutDate: DayKeySchema.nullable(),
  unitsShort: z.number(),
  revenueAtRisk: z.number(),
  safetyStock: z.number(),
  stockNeeded: z.number(),
  stockNeededCost: z.number(),
  orderCount: z.number().int(),
  orderCost: z.number(),
});

export const WhatIfResultSchema = z.object({
  scenarioId: z.string().nullable(),
  today: DayKeySchema,
  period: z.object({ from: DayKeySchema, to: DayKeySchema }),
  products: z.array(WhatIfProductSchema),
  skipped: z.array(z.object({ sku: z.string(), reason: z.string() })),
  total: z.object({ baseline: WhatIfTotalSchema, scenario: WhatIfTotalSchema }),
  assumptions: z.array(z.string()),
});
export type WhatIfResult = z.infer<typeof WhatIfResultSchema>;
