import { z } from 'zod';
import {
  CodeSchema,
  IsoDateTimeSchema,
  lineSchema,
  MAX_PAGE_SIZE,
  DEFAULT_PAGE_SIZE,
  ObjectIdSchema,
  PositiveQuantitySchema,
  QuantitySchema,
  SkuSchema,
} from './common.schemas.js';
import {
  PLANNING_PRIORITIES,
  PLANNING_RUN_KINDS,
  PURCHASE_ORDER_REQUEST_STATUSES,
  RECOMMENDATION_STATUSES,
  RECOMMENDATION_TYPES,
  TRANSFER_OUTCOMES,
  TRANSFER_REQUEST_STATUSES,
} from './planning.schemas.js';

/**
 * The planning API (seed 000's Planning service in the project's camelCase):
 * reorder rules, the tenant's planning settings, planning runs, and the
 * recommendations with their accept / reject actions. The stored shapes are in
 * `planning.schemas.ts`; these are what requests carry and answers show.
 */

// ----- reorder rules (seed 000 `reorder_rules`) -----

/**
 * How a rule turns demand into an order (the same list as the policy's
 * `REORDER_STRATEGIES` in service-analytics planning/policy, checked there).
 * `MANUAL` never recommends.
 */
export const REORDER_STRATEGY_NAMES = ['FORECAST_BASED', 'MIN_MAX', 'REORDER_POINT_EOQ', 'PERIODIC_REVIEW', 'LOT_FOR_LOT', 'MANUAL'] as const;

const ServiceLevelSchema = z.number().min(0.5).max(0.999);
const ReviewPeriodSchema = z.number().int().min(1).max(90);

/**
 * `PUT /api/planning/rules/{sku}[?locationCode=]`: the whole rule (a PUT
 * replaces it). Omitted numbers are null: the strategy computes them, the
 * service level defaults by the SKU's ABC class, the review period by the
 * tenant's settings. `MIN_MAX` needs `minStock` ≤ `maxStock`.
 */
export const ReorderRuleBodySchema = z
  .object({
    strategy: z.enum(REORDER_STRATEGY_NAMES),
    serviceLevel: ServiceLevelSchema.nullable().default(null).describe('target fill rate 0.5–0.999; null: by the ABC class (settings)'),
    minStock: QuantitySchema.nullable().default(null),
    maxStock: QuantitySchema.nullable().default(null),
    reorderPoint: QuantitySchema.nullable().default(null).describe('a fixed reorder point; null: computed'),
    reorderQuantity: PositiveQuantitySchema.nullable().default(null).describe('a fixed order quantity; null: computed'),
    safetyStockDays: z
      .number()
      .int()
      .min(0)
      .max(365)
      .nullable()
      .default(null)
      .describe("kept from seed 000's rules; safety stock is computed from the forecast's error"),
    reviewPeriodDays: ReviewPeriodSchema.nullable().default(null).describe("days between reviews; null: the tenant's setting"),
    isActive: z.boolean().default(true).describe('an inactive rule is kept but not applied (the default FORECAST_BASED applies)'),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (rule.strategy !== 'MIN_MAX') return;
    if (rule.minStock === null) ctx.addIssue({ code: 'custom', path: ['minStock'], message: 'MIN_MAX needs minStock' });
    if (rule.maxStock === null) ctx.addIssue({ code: 'custom', path: ['maxStock'], message: 'MIN_MAX needs maxStock' });
    if (rule.minStock !== null && rule.maxStock !== null && rule.minStock > rule.maxStock) {
      ctx.addIssue({ code: 'custom', path: ['maxStock'], message: 'must be at least minStock' });
    }
  });
export type ReorderRuleBody = z.infer<typeof ReorderRuleBodySchema>;

export const RuleParamsSchema = z.object({ sku: SkuSchema }).strict();
export const RuleLocationQuerySchema = z
  .object({ locationCode: CodeSchema.optional().describe('the location the rule is for; omitted: the rule for every location of the SKU') })
  .strict();

export const ReorderRuleSchema = z.object({
  sku: z.string(),
  /** null: every location of the SKU (a location's own rule wins over it). */
  locationCode: z.string().nullable(),
  strategy: z.enum(REORDER_STRATEGY_NAMES),
  serviceLevel: z.number().nullable(),
  minStock: z.number().nullable(),
  maxStock: z.number().nullable(),
  reorderPoint: z.number().nullable(),
  reorderQuantity: z.number().nullable(),
  safetyStockDays: z.number().nullable(),
  reviewPeriodDays: z.number().nullable(),
  isActive: z.boolean(),
  updatedAt: IsoDateTimeSchema,
  updatedBy: z.object({ apiKeyId: z.string(), name: z.string() }),
});
export type ReorderRule = z.infer<typeof ReorderRuleSchema>;

/** The cursor of a list is opaque: base64url of the last row's key. */
const CursorSchema = z.string().min(1).max(512).optional().describe('nextCursor of the previous page');
const LimitSchema = z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE);

export const RuleListQuerySchema = z.object({ sku: SkuSchema.optional(), limit: LimitSchema, cursor: CursorSchema }).strict();
export const RuleListSchema = z.object({ items: z.array(ReorderRuleSchema), nextCursor: z.string().nullable() });

// ----- tenant planning settings -----

/** `HH:MM`, 24-hour, UTC (days are UTC calendar days everywhere in the product). */
const TimeOfDaySchema = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM (24-hour, UTC)');

export const PlanningSettingsSchema = z
  .object({
    holdingCostRate: z.number().min(0.01).max(2).describe("share of a unit's cost it costs to hold it for a year"),
    orderingCost: z.number().min(0).max(100_000).describe('cost of placing one order, in the tenant currency'),
    defaultServiceLevels: z.object({ A: ServiceLevelSchema, B: ServiceLevelSchema, C: ServiceLevelSchema }).strict(),
    reviewPeriodDays: ReviewPeriodSchema,
    excessThresholdDays: z.number().int().min(7).max(3_650).describe('days of cover above which stock is excess'),
    schedule: z.object({ enabled: z.boolean(), timeOfDay: TimeOfDaySchema }).strict().describe('the daily SCHEDULED run, at timeOfDay UTC'),
    recommendationTtlHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .describe('a pending recommendation expires after this long'),
    // TRANSFER recommendations (planning policy/transfers.ts): one transfer costs fixed + per unit × quantity, and takes the lead time to arrive.
    transferFixedCost: z.number().min(0).max(100_000).default(25).describe('cost of one stock transfer between locations, whatever its size'),
    transferUnitCost: z.number().min(0).max(100_000).default(0.25).describe('cost of moving one unit between locations'),
    transferLeadTimeDays: z.number().int().min(0).max(60).default(1).describe('days from deciding a transfer to the stock being at the receiving location'),
    // One fill rate for the tenant (planning policy/service-allocation.ts): rules without their own service level share it out for the least stock.
    targetFillRate: z
      .number()
      .min(0.5)
      .max(0.995)
      .nullable()
      .default(null)
      .describe(
        'share of all units demanded to serve from stock; when set, it replaces the ABC class levels for rules without their own service level, spread over the SKU × locations for the least stock (null: the class levels)',
      ),
  })
  .strict();
export type PlanningSettings = z.infer<typeof PlanningSettingsSchema>;

/** What a tenant that never saved settings plans with. */
export const DEFAULT_PLANNING_SETTINGS: PlanningSettings = {
  holdingCostRate: 0.25,
  orderingCost: 50,
  defaultServiceLevels: { A: 0.98, B: 0.95, C: 0.9 },
  reviewPeriodDays: 7,
  excessThresholdDays: 90,
  schedule: { enabled: true, timeOfDay: '05:00' },
  recommendationTtlHours: 48,
  transferFixedCost: 25,
  transferUnitCost: 0.25,
  transferLeadTimeDays: 1,
  targetFillRate: null,
};

export const PlanningSettingsResponseSchema = PlanningSettingsSchema.extend({
  /** null: never saved (the defaults above). */
  updatedAt: IsoDateTimeSchema.nullable(),
});

// ----- recommendations -----

export const RecommendationSchema = z.object({
  id: z.string(),
  type: z.enum(RECOMMENDATION_TYPES),
  status: z.enum(RECOMMENDATION_STATUSES),
  priority: z.enum(PLANNING_PRIORITIES),
  sku: z.string(),
  productName: z.string(),
  locationCode: z.string(),
  fromLocationCode: z.string().nullable(),
  currentPosition: z.number(),
  predictedDemand: z.object({ leadTime: z.number(), days7: z.number(), days14: z.number() }),
  quantity: z.number(),
  supplierCode: z.string().nullable(),
  supplierName: z.string().nullable(),
  supplierReason: z.string().nullable(),
  unitCost: z.number().nullable(),
  orderByDate: z.string().nullable(),
  expectedArrivalDate: z.string().nullable(),
  stockoutDate: z.string().nullable(),
  cost: z.number(),
  savingsPotential: z.number(),
  confidence: z.number(),
  action: z.string(),
  reasoning: z.array(z.string()),
  policy: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
  runId: z.string(),
  expiresAt: IsoDateTimeSchema,
  createdAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
  actionedAt: IsoDateTimeSchema.nullable(),
  actionedBy: z.object({ apiKeyId: z.string(), name: z.string() }).nullable(),
  rejectionReason: z.string().nullable(),
  accepted: z.object({ quantity: z.number(), supplierCode: z.string(), purchaseOrderRequestId: z.string() }).nullable(),
  purchaseOrder: z.object({ id: z.string(), poNumber: z.string() }).nullable(),
  supersededBy: z.string().nullable(),
  /** TRANSFER, once accepted: its request, the quantity, and what became of it (`failed`: nothing moved, `reason` says why). */
  transfer: z
    .object({
      requestId: z.string(),
      quantity: z.number(),
      outcome: z.enum(TRANSFER_OUTCOMES).nullable(),
      reason: z.string().nullable(),
      at: IsoDateTimeSchema.nullable(),
    })
    .nullable(),
});
export type Recommendation = z.infer<typeof RecommendationSchema>;

/** Recommendations one bulk accept may name. */
export const MAX_BULK_ACCEPT = 100;

export const RecommendationParamsSchema = z.object({ id: ObjectIdSchema }).strict();

/** The list's `type=BULK_PURCHASE` view: the pending reorders as one proposed purchase order per supplier × location. */
export const BULK_PURCHASE = 'BULK_PURCHASE';

/** A budget for a purchase plan, in the tenant's currency. */
const PlanBudgetSchema = z.coerce
  .number()
  .finite()
  .positive()
  .max(1e12)
  .describe('fund the plan up to this much money, most urgent lines first (type=BULK_PURCHASE only)');

export const RecommendationListQuerySchema = z
  .object({
    priority: z.enum(PLANNING_PRIORITIES).optional(),
    type: z
      .enum([...RECOMMENDATION_TYPES, BULK_PURCHASE])
      .optional()
      .describe('BULK_PURCHASE: the pending reorders consolidated into one proposed purchase order per supplier × location'),
    status: z.enum(RECOMMENDATION_STATUSES).optional(),
    sku: SkuSchema.optional(),
    locationCode: CodeSchema.optional(),
    supplierCode: CodeSchema.optional(),
    budget: PlanBudgetSchema.optional(),
    limit: LimitSchema,
    cursor: CursorSchema,
  })
  .strict()
  .superRefine((query, ctx) => {
    if (query.budget !== undefined && query.type !== BULK_PURCHASE) {
      ctx.addIssue({ code: 'custom', path: ['budget'], message: 'a budget applies to the purchase plan only: add type=BULK_PURCHASE' });
    }
    if (query.type === BULK_PURCHASE && query.status !== undefined && query.status !== 'PENDING') {
      ctx.addIssue({ code: 'custom', path: ['status'], message: 'a purchase plan is made of PENDING reorders only: leave status out' });
    }
  });
export type RecommendationListQuery = z.infer<typeof RecommendationListQuerySchema>;
export const RecommendationListSchema = z.object({ items: z.array(RecommendationSchema), nextCursor: z.string().nullable() });

/** `POST /api/recommendations/{id}/accept`: optionally another quantity or supplier than recommended. */
export const AcceptRecommendationBodySchema = z
  .object({
    quantity: PositiveQuantitySchema.optional().describe(
      "order this many instead (at least the supplier's minimum order quantity); a TRANSFER: move this many instead (whole units)",
    ),
    supplierCode: CodeSchema.optional().describe('order from this supplier instead (it must sell the SKU); not for a TRANSFER'),
  })
  .strict();
export type AcceptRecommendationBody = z.infer<typeof AcceptRecommendationBodySchema>;

export const RejectRecommendationBodySchema = z.object({ reason: lineSchema(500) }).strict();

const PurchasePlanLineSchema = z.object({
  recommendationId: z.string(),
  sku: z.string(),
  productName: z.string(),
  priority: z.enum(PLANNING_PRIORITIES),
  orderByDate: z.string().nullable(),
  recommendedQuantity: z.number(),
  quantity: z.number().describe("what the plan orders: the recommendation rounded to the supplier's minimum and packs, cut to fit a budget"),
  unitCost: z.number(),
  lineCost: z.number(),
  adjustment: z.string().nullable().describe('why the quantity differs from the recommendation, in words'),
});

/** One proposed purchase order: a supplier × location's pending reorders. */
export const SupplierPlanSchema = z.object({
  supplierCode: z.string(),
  supplierName: z.string().nullable(),
  locationCode: z.string(),
  priority: z.enum(PLANNING_PRIORITIES),
  orderByDate: z.string().nullable(),
  lines: z.array(PurchasePlanLineSchema),
  totals: z.object({ lines: z.number(), units: z.number(), cost: z.number() }),
});

/** `GET /api/recommendations?type=BULK_PURCHASE`. */
export const PurchasePlanSchema = z.object({
  type: z.literal(BULK_PURCHASE),
  plans: z.array(SupplierPlanSchema),
  /** Pending reorders left out: over the budget, or their supplier no longer sells the SKU. */
  deferred: z.array(
    z.object({
      recommendationId: z.string(),
      sku: z.string(),
      supplierCode: z.string(),
      locationCode: z.string(),
      priority: z.enum(PLANNING_PRIORITIES),
      quantity: z.number(),
      cost: z.number(),
      reason: z.string(),
    }),
  ),
  /** Over every plan, not just this page. */
  totals: z.object({
    plans: z.number(),
    lines: z.number(),
    units: z.number(),
    cost: z.number(),
    budget: z.number().nullable(),
    budgetLeft: z.number().nullable(),
  }),
  /** True when more pending reorders matched than one plan considers (MAX_PLAN_CANDIDATES): narrow by location or supplier. */
  truncated: z.boolean(),
  nextCursor: z.string().nullable(),
});
export type PurchasePlanResponse = z.infer<typeof PurchasePlanSchema>;

/** Pending reorders one purchase plan considers, most urgent first. */
export const MAX_PLAN_CANDIDATES = 20_000;

/**
 * `POST /api/recommendations/purchase-plan/accept`: the plan is made again
 * from these filters and budget, and its orders (all, or the named supplier ×
 * location ones) are accepted at the plan's quantities.
 */
export const PurchasePlanAcceptBodySchema = z
  .object({
    budget: z.number().finite().positive().max(1e12).optional(),
    priority: z.enum(PLANNING_PRIORITIES).optional(),
    sku: SkuSchema.optional(),
    locationCode: CodeSchema.optional(),
    supplierCode: CodeSchema.optional(),
    plans: z
      .array(z.object({ supplierCode: CodeSchema, locationCode: CodeSchema }).strict())
      .min(1)
      .max(MAX_BULK_ACCEPT)
      .optional()
      .describe('accept only these supplier × location orders of the plan'),
  })
  .strict();
export type PurchasePlanAcceptBody = z.infer<typeof PurchasePlanAcceptBodySchema>;

export const BulkAcceptBodySchema = z
  .object({
    ids: z
      .array(ObjectIdSchema)
      .min(1)
      .max(MAX_BULK_ACCEPT)
      .refine((ids) => new Set(ids).size === ids.length, 'ids must not repeat'),
  })
  .strict();

export const PurchaseOrderRequestSchema = z.object({
  id: z.string(),
  status: z.enum(PURCHASE_ORDER_REQUEST_STATUSES),
  supplierCode: z.string(),
  locationCode: z.string(),
  lines: z.array(z.object({ sku: z.string(), quantity: z.number(), unitCost: z.number() })),
  expectedDate: IsoDateTimeSchema,
  recommendationIds: z.array(z.string()),
  createdAt: IsoDateTimeSchema,
  purchaseOrderId: z.string().nullable(),
  poNumber: z.string().nullable(),
});

export const TransferRequestSchema = z.object({
  id: z.string(),
  status: z.enum(TRANSFER_REQUEST_STATUSES),
  sku: z.string(),
  fromLocationCode: z.string(),
  toLocationCode: z.string(),
  quantity: z.number(),
  recommendationId: z.string(),
  createdAt: IsoDateTimeSchema,
  failureReason: z.string().nullable(),
});

/** A REORDER answers its purchase-order request; a TRANSFER its transfer request (the other is null). */
export const AcceptResponseSchema = z.object({
  recommendation: RecommendationSchema,
  purchaseOrderRequest: PurchaseOrderRequestSchema.nullable(),
  transferRequest: TransferRequestSchema.nullable(),
});
export const BulkAcceptResponseSchema = z.object({
  recommendations: z.array(RecommendationSchema),
  /** One per supplier × location. */
  purchaseOrderRequests: z.array(PurchaseOrderRequestSchema),
  /** Named recommendations another request acted on first (between this one's check and its write): left as they are. */
  conflicts: z.array(z.object({ id: z.string(), status: z.enum(RECOMMENDATION_STATUSES) })),
});

// ----- planning runs (seed 000 `planning_runs`) -----

/** SKUs or locations one manual run may name. */
export const MAX_RUN_SKUS = 10_000;

export const PlanningRunRequestSchema = z
  .object({
    skus: z.array(SkuSchema).min(1).max(MAX_RUN_SKUS).optional().describe('plan only these SKUs; default: every SKU with stock'),
    locationCodes: z.array(CodeSchema).min(1).max(1_000).optional().describe('plan only these locations; default: all'),
    reason: lineSchema(200).optional(),
  })
  .strict();
export type PlanningRunRequest = z.infer<typeof PlanningRunRequestSchema>;

export const PLANNING_RUN_STATUSES = ['pending', 'running', 'completed', 'failed'] as const;

export const PlanningRunCountsSchema = z.object({
  skusAnalysed: z.number().int(),
  pairsAnalysed: z.number().int(),
  recommendationsCreated: z.number().int(),
  recommendationsUpdated: z.number().int(),
  /** Pending ones the run found exactly as it would write them, far from expiry: left as they are (their run id is the run that last changed them). */
  recommendationsUnchanged: z.number().int(),
  recommendationsSuperseded: z.number().int(),
  recommendationsExpired: z.number().int(),
  alertsCreated: z.number().int(),
  /** Pairs without a forecast, a supplier or a price: not planned (first few in `skipped`). */
  pairsSkipped: z.number().int(),
});
export type PlanningRunCounts = z.infer<typeof PlanningRunCountsSchema>;

export const PlanningRunSchema = z.object({
  runId: z.string(),
  kind: z.enum(PLANNING_RUN_KINDS),
  reason: z.string(),
  status: z.enum(PLANNING_RUN_STATUSES),
  parameters: z.object({ skus: z.array(z.string()).nullable(), locationCodes: z.array(z.string()).nullable() }),
  progress: z.object({ total: z.number().int(), done: z.number().int() }),
  counts: PlanningRunCountsSchema,
  /** What the run decided from, so "why did it recommend this on Tuesday?" has an answer. */
  inputs: z.object({
    today: z.string().nullable(),
    forecastJobIds: z.array(z.string()),
    forecastDates: z.array(z.string()),
    stockAsOf: IsoDateTimeSchema.nullable(),
  }),
  skipped: z.array(z.object({ sku: z.string(), locationCode: z.string(), reason: z.string() })),
  durationMs: z.number().nullable(),
  error: z.string().nullable(),
  createdAt: IsoDateTimeSchema,
  startedAt: IsoDateTimeSchema.nullable(),
  completedAt: IsoDateTimeSchema.nullable(),
});
export type PlanningRun = z.infer<typeof PlanningRunSchema>;

export const PlanningRunParamsSchema = z.object({ id: z.string().regex(/^plan-\d{8}-[0-9a-f]{8}$/, 'a planning run id (plan-YYYYMMDD-xxxxxxxx)') }).strict();
export const PlanningRunListQuerySchema = z.object({ limit: LimitSchema, cursor: CursorSchema }).strict();
export const PlanningRunListSchema = z.object({ items: z.array(PlanningRunSchema), nextCursor: z.string().nullable() });
export const PlanningRunAcceptedSchema = z.object({ runId: z.string(), status: z.enum(PLANNING_RUN_STATUSES), statusUrl: z.string() });

// ----- live events -----

/** `recommendation:created` / `recommendation:updated`, to the tenant's dashboard room. */
export const RecommendationEventSchema = z.object({
  id: z.string(),
  sku: z.string(),
  locationCode: z.string(),
  type: z.enum(RECOMMENDATION_TYPES),
  status: z.enum(RECOMMENDATION_STATUSES),
  priority: z.enum(PLANNING_PRIORITIES),
  quantity: z.number(),
  action: z.string(),
});
export type RecommendationEvent = z.infer<typeof RecommendationEventSchema>;
