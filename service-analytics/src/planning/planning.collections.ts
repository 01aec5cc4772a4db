import { PURCHASE_ORDER_REQUESTS_COLLECTION, TRANSFER_REQUESTS_COLLECTION } from '@icc/shared';

/**
 * Collections of planning in the analytics database. One place names them so
 * the indexes, the writers and the readers cannot drift apart. Planning reads
 * its inputs only from the earlier stages' read models (FACT_COLLECTIONS,
 * FORECAST_COLLECTIONS); these are its own.
 */
export const PLANNING_COLLECTIONS = {
  /** Per tenant × SKU (× location, optional): how it is replenished (seed 000 `reorder_rules`). */
  reorderRules: 'reorderRules',
  /** One per tenant: costs, default service levels, review period, excess threshold, schedule. */
  planningSettings: 'planningSettings',
  /** Leased jobs, one per run (seed 000 `planning_runs`). */
  planningRuns: 'planningRuns',
  /** StoredRecommendation (shared planning.schemas). */
  recommendations: 'recommendations',
  /** StoredPurchaseOrderRequest: what the operational service turns into purchase orders. */
  purchaseOrderRequests: PURCHASE_ORDER_REQUESTS_COLLECTION,
  /** StoredTransferRequest: accepted TRANSFERs the operational service executes (transfer-requests.ts). */
  transferRequests: TRANSFER_REQUESTS_COLLECTION,
  /** Per tenant × SKU × location: the last run's reorder point and position, which the stock watcher compares changes against. */
  planningPairs: 'planningPairs',
  /** One per tenant: a sample of the last run's pairs as the service allocation sees them (planning-calibration.ts). */
  planningCalibration: 'planningCalibration',
  /** StoredAlert (shared alert.schemas): STOCKOUT_PREDICTED, OVERSTOCK, UNUSUAL_DEMAND, SUPPLIER_LATE, FORECAST_DEGRADED. */
  planningAlerts: 'planningAlerts',
  /** The watchers' bookmarks (how far the stock watcher has looked), one document per watcher. */
  planningWatchers: 'planningWatchers',
  /** Saved what-if scenarios with their inputs and answer (planning/whatif, `POST /api/analysis/whatif?save=true`). */
  whatifScenarios: 'whatifScenarios',
  /** Leased jobs, one per optimisation run (seed 000 `optimization_runs`; planning/optimize). */
  optimizationRuns: 'optimizationRuns',
} as const;
