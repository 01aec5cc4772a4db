import { z } from 'zod';
import { CodeSchema, DayKeySchema, IsoDateTimeSchema, SkuSchema } from './common.schemas.js';

/**
 * Optimisation runs (issue 17, seed 000 `optimization_runs`): `POST
 * /api/optimize/run` queues a leased job; `GET /api/optimize/results/{runId}`
 * shows it; `POST …/apply` writes its levels as reorder rules, once.
 */

export const OPTIMIZATION_TYPES = ['STOCK_LEVELS', 'REORDER_POINTS', 'SUPPLIER_MIX'] as const;

const LimitSchema = z.number().positive().max(1e12);

export const OptimizeRunRequestSchema = z
  .object({
    optimizationType: z.enum(OPTIMIZATION_TYPES),
    /** STOCK_LEVELS only: money tied in stock on average (cost × (Q/2 + safety stock)); units of storage in total, or per location. */
    constraints: z
      .object({
        budget: LimitSchema.optional(),
        storageCapacity: LimitSchema.optional().describe('units the items may hold at most, over all locations'),
        perLocation: z.record(CodeSchema, LimitSchema).optional().describe('units per location (instead of storageCapacity)'),
      })
      .strict()
      .superRefine((c, ctx) => {
        if (c.storageCapacity !== undefined && c.perLocation !== undefined)
          ctx.addIssue({ code: 'custom', path: ['perLocation'], message: 'give storageCapacity (in total) or perLocation, not both' });
        if (c.perLocation !== undefined && Object.keys(c.perLocation).length === 0)
          ctx.addIssue({ code: 'custom', path: ['perLocation'], message: 'name at least one location' });
      })
      .default({}),
    skus: z.array(SkuSchema).min(1).max(20_000).optional(),
    locationCodes: z.array(CodeSchema).min(1).max(200).optional(),
  })
  .strict();
export type OptimizeRunRequest = z.infer<typeof OptimizeRunRequestSchema>;

export const OptimizeRunAcceptedSchema = z.object({ runId: z.string(), status: z.string(), statusUrl: z.string() });
export const OptimizeRunParamsSchema = z
  .object({ runId: z.string().regex(/^opt-\d{8}-[0-9a-f]{8}$/, 'an optimisation run id, opt-YYYYMMDD-xxxxxxxx') })
  .strict();

const LevelsSchema = z.object({
  strategy: z.string(),
  reorderPoint: z.number().nullable(),
  orderQuantity: z.number().nullable(),
});

const MixShareSchema = z.object({
  supplierCode: z.string(),
  share: z.number(),
  orderQuantity: z.number(),
  safetyStock: z.number(),
  /** Purchase + ordering + holding (cycle and safety stock) a year. */
  yearlyCost: z.number(),
});

export const OptimizationItemSchema = z.object({
  sku: z.string(),
  locationCode: z.string(),
  current: LevelsSchema,
  proposed: LevelsSchema.extend({ orderUpTo: z.number(), safetyStock: z.number(), fillRate: z.number(), inventoryValue: z.number() }),
  /** A year's expected holding + shortage + ordering cost at today's levels (r and Q) and at the proposed ones. */
  expectedCost: z.object({ current: z.number().nullable(), proposed: z.number() }),
  change: z.number().nullable(),
  /** SUPPLIER_MIX: today's supplier and the proposed supplier(s) with their share of demand and a year's cost. */
  supplierMix: z
    .object({
      current: z.array(MixShareSchema),
      proposed: z.array(MixShareSchema),
    })
    .optional(),
});
export type OptimizationItem = z.infer<typeof OptimizationItemSchema>;

const SimulatedCostsSchema = z.object({
  holdingCost: z.number(),
  orderingCost: z.number(),
  /** Units short × the lost margin (not in `savingsIdentified`: shown so a saving bought with lost sales is visible). */
  lostMarginCost: z.number(),
  fillRate: z.number(),
  orders: z.number().int(),
});

export const OptimizationTotalsSchema = z.object({
  items: z.number().int(),
  inventoryValue: z.number(),
  space: z.number(),
  expectedCost: z.number(),
  currentExpectedCost: z.number(),
  /**
   * A year's holding + ordering cost of today's rules minus the proposed ones', measured by the
   * run's replenishment simulation (both rules over the same simulated days: `simulation`).
   */
  savingsIdentified: z.number(),
  /** currentExpectedCost − expectedCost: the cost model's yearly expectation (holding + shortage + ordering). */
  expectedSavings: z.number().optional(),
  fillRate: z.number(),
  /** The simulation behind `savingsIdentified`: a year of each rule on the same drawn demand and lead times. */
  simulation: z
    .object({
      days: z.number().int(),
      current: SimulatedCostsSchema,
      proposed: SimulatedCostsSchema,
    })
    .nullable()
    .optional(),
});

export const OptimizationRunSchema = z.object({
  runId: z.string(),
  optimizationType: z.enum(OPTIMIZATION_TYPES),
  status: z.enum(['pending', 'running', 'completed', 'failed']),
  inputs: z.object({
    constraints: z.object({ budget: z.number().nullable(), storageCapacity: z.number().nullable(), perLocation: z.record(z.string(), z.number()).nullable() }),
    skus: z.array(z.string()).nullable(),
    locationCodes: z.array(z.string()).nullable(),
    today: DayKeySchema.nullable(),
    forecastIds: z.number().int(),
  }),
  progress: z.object({ total: z.number().int(), done: z.number().int() }),
  method: z.string().nullable(),
  items: z.array(OptimizationItemSchema),
  skipped: z.array(z.object({ sku: z.string(), locationCode: z.string(), reason: z.string() })),
  totals: OptimizationTotalsSchema.nullable(),
  constraints: z.array(
    z.object({
      constraint: z.string(),
      locationCode: z.string().nullable(),
      limit: z.number(),
      used: z.number(),
      binding: z.boolean(),
      shadowPrice: z.number(),
    }),
  ),
  applied: z.object({ at: IsoDateTimeSchema, by: z.string(), rulesWritten: z.number().int() }).nullable(),
  error: z.string().nullable(),
  createdAt: IsoDateTimeSchema,
  completedAt: IsoDateTimeSchema.nullable(),
});
export type OptimizationRun = z.infer<typeof OptimizationRunSchema>;
