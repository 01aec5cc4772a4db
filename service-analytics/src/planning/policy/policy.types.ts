import type { ServiceItem } from './service-allocation.js';

/**
 * The contract of planning's pure policy: what one decision for one SKU × location
 * needs and what it answers. The functions live beside this file (`policy/*.ts`,
 * pure, with specs); the planning run (`planning/planning.*.ts`) gathers the
 * inputs from the read models and stores the answers as recommendations.
 * Quantities are in the product's unit, money in the tenant's currency, days
 * are whole or fractional days, dates are day keys (`YYYY-MM-DD`, UTC).
 */

/** How a rule turns demand into an order. `MANUAL` never recommends. */
export const REORDER_STRATEGIES = ['FORECAST_BASED', 'MIN_MAX', 'REORDER_POINT_EOQ', 'PERIODIC_REVIEW', 'LOT_FOR_LOT', 'MANUAL'] as const;
export type ReorderStrategy = (typeof REORDER_STRATEGIES)[number];

export const PRIORITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export type Priority = (typeof PRIORITIES)[number];

export type AbcClass = 'A' | 'B' | 'C';

/** A rule as the policy applies it (defaults already resolved from the tenant's settings). */
export interface ResolvedRule {
  strategy: ReorderStrategy;
  /** Target fill rate: the share of demand served from stock (0.5–0.999). */
  serviceLevel: number;
  /**
   * When set, the fill rate is allocated instead (`allocatedFillRate`): the
   * tenant's price per unit short that meets its overall fill-rate target at the
   * least stock; `serviceLevel` is then only the fallback for an item without a
   * forecast error. null: the fixed `serviceLevel`.
   */
  shortagePrice?: number | null;
  reviewPeriodDays: number;
  /** MIN_MAX: order up to `maxStock` when the position falls to `minStock` or below. */
  minStock: number | null;
  maxStock: number | null;
  /** A fixed reorder point or quantity overrides the computed one where the strategy uses them. */
  reorderPoint: number | null;
  reorderQuantity: number | null;
}

export interface SupplierOption {
  supplierCode: string;
  supplierName: string;
  unitCost: number;
  minimumOrderQuantity: number;
  packSize: number;
  /** Quoted lead time (the link's, else the supplier's default). */
  leadTimeDays: number;
  preferred: boolean;
  /** Measured from received purchase orders; null when it has none yet. */
  delivery: { receivedOrders: number; meanDelayDays: number; delayStdDays: number; onTimeRate: number } | null;
}

/** Demand of one SKU at one location, per day from the decision day on. */
export interface DemandForecast {
  /** Mean demand per day, day 0 = the decision day. */
  mean: number[];
  /** Standard deviation of each day's forecast error (from the stored intervals). */
  std: number[];
  /** Where it came from, for the reasoning (model, forecast date, the location's share). */
  source: string;
}

export interface Position {
  onHand: number;
  reserved: number;
  backOrdered: number;
  /** Open purchase-order quantity not yet received, with when each is expected. */
  onOrder: { quantity: number; expectedDate: string }[];
  inTransit: number;
}

export interface CostSettings {
  /** Share of a unit's cost it costs to hold it for a year (e.g. 0.25). */
  holdingCostRate: number;
  /** Cost of placing one order (money). */
  orderingCost: number;
}

export interface DecisionInput {
  today: string;
  sku: string;
  locationCode: string;
  unitPrice: number;
  rule: ResolvedRule;
  position: Position;
  demand: DemandForecast;
  suppliers: SupplierOption[];
  costs: CostSettings;
  /**
   * Correlation assumed between the forecast errors of different days when
   * they are summed over an interval: 0 (the default) independent days, 1 one
   * shared error (see `demandOverDays`).
   */
  errorCorrelation?: number;
}

/** The numbers behind one recommendation, each checkable by a person. */
export interface Decision {
  /** null when nothing needs ordering (the reasoning still says why). */
  order: {
    quantity: number;
    /** Before rounding to the supplier's minimum and pack size. */
    rawQuantity: number;
    supplierCode: string;
    supplierReason: string;
    orderByDate: string;
    expectedArrivalDate: string;
    cost: number;
  } | null;
  inventoryPosition: number;
  reorderPoint: number;
  orderUpTo: number;
  safetyStock: number;
  /** Effective lead time used (quoted + measured mean delay) and its spread. */
  leadTimeDays: number;
  leadTimeStdDays: number;
  demandOverLeadTime: number;
  demand7Days: number;
  demand14Days: number;
  /** First day the projected available stock runs out if nothing more is ordered; null beyond the horizon. */
  stockoutDate: string | null;
  /** Probability of a stock-out before an order placed today would arrive, if nothing is ordered. */
  stockoutProbability: number;
  priority: Priority;
  /** The fill rate the safety stock was set for: the rule's, or the one allocated at its shortage price. */
  fillRate: number;
  /** What a tenant-wide allocation needs of this pair (the chosen supplier's numbers); null without a supplier. */
  serviceItem: ServiceItem | null;
  savingsPotential: number;
  /** Short, with the numbers: why this quantity, this supplier, this date. */
  reasoning: string[];
}
