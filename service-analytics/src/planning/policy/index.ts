/** Planning's pure policy: one replenishment decision per SKU × location from plain numbers (no database, no clock). */
export * from './policy.types.js';
export { ABC_THRESHOLDS, DEFAULT_SERVICE_LEVELS, abcClasses, defaultServiceLevel } from './abc.js';
export { decide, isReviewDay } from './decide.js';
export { PREFERRED_INTERVAL_CONFIDENCE, demandForecastFromIntervals, type StoredForecastIntervals } from './forecast-demand.js';
export { MIN_LOCATION_SHARE, SHARE_WINDOW_DAYS, locationShares, splitToLocations } from './location-split.js';
export { inverseStandardNormal, inverseStandardNormalLoss, standardNormalCdf, standardNormalLoss, standardNormalPdf } from './normal.js';
export { eoq, roundToSupplier, type EoqInput } from './order-quantity.js';
export {
  MIN_RECEIVED_ORDERS,
  demandOverDays,
  effectiveLeadTime,
  protectionDemand,
  type EffectiveLeadTime,
  type IntervalDemand,
  type ProtectionDemand,
} from './protection-demand.js';
export { replenishmentLevels, type LevelsInput, type ReplenishmentLevels } from './replenishment-levels.js';
export {
  ALLOCATED_FILL_RATE_BOUNDS,
  allocatedFillRate,
  fillRateAtSafetyFactor,
  shortagePriceForTarget,
  type ServiceAllocation,
  type ServiceItem,
} from './service-allocation.js';
export {
  SAFETY_FACTOR_BOUNDS,
  safetyFactorForCycleServiceLevel,
  safetyFactorForFillRate,
  safetyStockForFillRate,
  type FillRateTarget,
} from './safety-stock.js';
export {
  optimiseStockLevels,
  type ConstraintReport,
  type StockLevelChoice,
  type StockLevelItem,
  type StockLevelPlan,
  type StockLevelsInput,
  type StockLevelsResult,
  type StorageCapacity,
} from './stock-levels.js';
export {
  budgetOrderQuantities,
  cycleCost,
  orderQuantityAtPrice,
  smallestPriceWithin,
  type BudgetOrderItem,
  type BudgetOrderQuantities,
} from './budget-order-quantity.js';
export {
  optimiseStockLevelsFlexible,
  type FlexibleStockLevelChoice,
  type FlexibleStockLevelItem,
  type FlexibleStockLevelPlan,
  type FlexibleStockLevelsInput,
  type FlexibleStockLevelsResult,
} from './stock-levels-flexible.js';
export { MIX_STEPS, optimiseSupplierMix, shareCost, type MixShare, type MixSupplier, type SupplierMix, type SupplierMixInput } from './supplier-mix.js';
export { LANDED_COST_TIE, chooseSupplier, landedCost, type LandedCost, type SupplierCandidate, type SupplierChoice } from './supplier-choice.js';
export {
  PRIORITY_THRESHOLDS,
  PROJECTION_DAYS,
  arrivingWithin,
  availableStock,
  firstDayBelow,
  inventoryPosition,
  orderByDate,
  priorityFor,
  stockoutDate,
  stockoutProbability,
  type Projection,
} from './timing.js';
