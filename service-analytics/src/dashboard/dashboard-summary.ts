import {
  ALERT_SEVERITIES,
  OPEN_ALERT_STATUSES,
  PLANNING_PRIORITIES,
  utcDayKey,
  type DashboardKpi,
  type DashboardSummary,
  type DayKey,
  type StoredAlert,
  type StoredRecommendation,
} from '@icc/shared';
import type { Db } from 'mongodb';
import { FACT_COLLECTIONS } from '../facts/fact-collections.js';
import type { PurchaseOrderMirrorDoc } from '../facts/supply-mirror.js';
import { PLANNING_COLLECTIONS } from '../planning/planning.collections.js';
import type { PlanningRunDocument } from '../planning/planning.types.js';
import { DASHBOARD_COLLECTIONS } from './dashboard.collections.js';
import { measureFactKpis, type FactKpis } from './fact-kpis.js';
import { refreshSlowMoving } from './slow-moving.js';
import { readStockValuation, type StockValuation } from './stock-valuation.js';

/** What the summary route answers, less when and how it was obtained. */
export type SummaryNumbers = Omit<DashboardSummary, 'asOf' | 'source' | 'stale'>;

/** One per tenant (`_id` = tenantId): the numbers as of `asOf`. */
export interface DashboardSummaryDocument {
  _id: string;
  tenantId: string;
  asOf: Date;
  numbers: SummaryNumbers;
  /** When the slow-moving read model was last rewritten (with the summary). */
  slowMovingAsOf: Date | null;
}

/** Purchase orders still to arrive: placed (on order) and not fully received. Drafts are not yet orders. */
export const PENDING_PURCHASE_ORDER_STATUSES = ['ordered', 'partiallyReceived'] as const;

const DEFINITIONS = {
  productsAtRisk: 'SKUs with at least one open (ACTIVE or ACKNOWLEDGED) STOCKOUT_PREDICTED alert',
  pendingStockouts: 'open (ACTIVE or ACKNOWLEDGED) STOCKOUT_PREDICTED alerts, one per SKU × location',
  excessInventoryValue:
    'value tied up above the excess threshold: the sum of `cost` of PENDING EXCESS_STOCK recommendations (excess units × lowest supplier cost)',
  pendingPurchaseOrders: 'purchase orders placed and not fully received (status ordered or partiallyReceived)',
  overduePurchaseOrders: 'pending purchase orders whose expected day is before today (UTC)',
  potentialSavings:
    "sum of `savingsPotential` of PENDING recommendations (each one's own estimate: landed cost saved, transfer savings, a year's holding of excess)",
} as const;

const countBy = <K extends string>(keys: readonly K[], counts: Map<string, number>): Record<K, number> & { total: number } => {
  const out = Object.fromEntries(keys.map((k) => [k, counts.get(k) ?? 0])) as Record<K, number>;
  return { ...out, total: keys.reduce((sum, k) => sum + out[k], 0) };
};

const round2 = (value: number) => Math.round(value * 100) / 100;

/** Open alerts by severity, and the STOCKOUT_PREDICTED ones (count and distinct SKUs). */
async function alertNumbers(db: Db, tenantId: string) {
  const rows = await db
    .collection<StoredAlert>(PLANNING_COLLECTIONS.planningAlerts)
    .aggregate<{ _id: { severity: string; type: string }; count: number; skus: string[] }>([
      { $match: { tenantId, status: { $in: [...OPEN_ALERT_STATUSES] } } },
      { $group: { _id: { severity: '$severity', type: '$type' }, count: { $sum: 1 }, skus: { $addToSet: '$sku' } } },
    ])
    .toArray();
  const bySeverity = new Map<string, number>();
  const stockoutSkus = new Set<string>();
  let stockoutAlerts = 0;
  for (const row of rows) {
    bySeverity.set(row._id.severity, (bySeverity.get(row._id.severity) ?? 0) + row.count);
    if (row._id.type !== 'STOCKOUT_PREDICTED') continue;
    stockoutAlerts += row.count;
    for (const sku of row.skus) stockoutSkus.add(sku);
  }
  return { alertsActive: countBy(ALERT_SEVERITIES, bySeverity), stockoutAlerts, productsAtRisk: stockoutSkus.size };
}

/** PENDING recommendations by priority, their savings, and the value EXCESS_STOCK ones tie up. */
async function recommendationNumbers(db: Db, tenantId: string) {
  const rows = await db
    .collection<StoredRecommendation>(PLANNING_COLLECTIONS.recommendations)
    .aggregate<{ _id: { priority: string; type: string }; count: number; savings: number; cost: number }>([
      { $match: { tenantId, status: 'PENDING' } },
      { $group: { _id: { priority: '$priority', type: '$type' }, count: { $sum: 1 }, savings: { $sum: '$savingsPotential' }, cost: { $sum: '$cost' } } },
    ])
    .toArray();
  const byPriority = new Map<string, number>();
  let savings = 0;
  let excessValue = 0;
  for (const row of rows) {
    byPriority.set(row._id.priority, (byPriority.get(row._id.priority) ?? 0) + row.count);
    savings += row.savings;
    if (row._id.type === 'EXCESS_STOCK') excessValue += row.cost;
  }
  return { recommendationsSummary: countBy(PLANNING_PRIORITIES, byPriority), potentialSavings: round2(savings), excessInventoryValue: round2(excessValue) };
}

/** Pending purchase orders, and those of them past their expected day. */
async function purchaseOrderNumbers(db: Db, tenantId: string, today: DayKey) {
  const orders = db.collection<PurchaseOrderMirrorDoc>(FACT_COLLECTIONS.purchaseOrdersMirror);
  const pending = { tenantId, status: { $in: [...PENDING_PURCHASE_ORDER_STATUSES] } };
  const [all, overdue] = await Promise.all([
    orders.countDocuments(pending),
    orders.countDocuments({ ...pending, expectedDate: { $lt: new Date(`${today}T00:00:00.000Z`) } }),
  ]);
  return { pending: all, overdue };
}

function kpi(value: number | null, from: DayKey, to: DayKey, definition: string): DashboardKpi {
  return { value: value === null ? null : Math.round(value * 10_000) / 10_000, from, to, definition };
}

function kpisOf(facts: FactKpis, inventoryValue: number, daysOfCover: number | null, today: DayKey) {
  const { last7, last30 } = facts;
  return {
    fillRate7d: kpi(last7.fillRate, last7.from, last7.to, FILL_RATE),
    fillRate30d: kpi(last30.fillRate, last30.from, last30.to, FILL_RATE),
    stockoutRate7d: kpi(last7.stockoutRate, last7.from, last7.to, STOCKOUT_RATE),
    stockoutRate30d: kpi(last30.stockoutRate, last30.from, last30.to, STOCKOUT_RATE),
    inventoryValue: { value: round2(inventoryValue), from: today, to: today, definition: INVENTORY_VALUE },
    averageDaysOfCover: kpi(daysOfCover, last30.from, last30.to, DAYS_OF_COVER),
    forecastAccuracy: kpi(facts.forecastAccuracy, facts.accuracyFrom, today, FORECAST_ACCURACY),
  };
}

const FILL_RATE =
  'units demanded less units recorded unfulfilled, ÷ units demanded, over the daily facts of every SKU × location in the period; null without demand';
const STOCKOUT_RATE = 'SKU × location × days flagged stock-out ÷ SKU × location × days with a fact row in the period';
const INVENTORY_VALUE = "Σ on hand × the SKU's lowest supplier unit cost (its list price when no supplier sells it), over the stock read model now";
const DAYS_OF_COVER =
  'Σ on hand ÷ mean daily units demanded over the period, over the SKU × locations with demand in the period (stock of items without demand is left out); null without demand';
const FORECAST_ACCURACY = '1 − WAPE (Σ |actual − forecast| ÷ Σ actual, floored at 0) over the stored forecasts scored in the period; null when none was scored';

/**
 * Compute the tenant's summary from the collections, as of `now`: alerts,
 * recommendations, purchase orders, and the KPIs measured from the daily
 * facts, the stock read model and forecast accuracy. Scans the tenant's open
 * alerts, pending recommendations, stock rows and 30 days of facts: run by
 * `refreshDashboardSummary`, not per request.
 *
 * @example const numbers = await computeDashboardSummary(analyticsDb, 'acme', new Date())
 */
export async function computeDashboardSummary(db: Db, tenantId: string, now: Date, stock?: StockValuation): Promise<SummaryNumbers> {
  const today = utcDayKey(now);
  const [alerts, recommendations, orders, valuation, facts] = await Promise.all([
    alertNumbers(db, tenantId),
    recommendationNumbers(db, tenantId),
    purchaseOrderNumbers(db, tenantId, today),
    stock ?? readStockValuation(db, tenantId),
    measureFactKpis(db, tenantId, now),
  ]);
  let onHandWithDemand = 0;
  let demand = 0;
  for (const [pair, units] of facts.last30.demandByPair) {
    if (units <= 0) continue;
    demand += units;
    onHandWithDemand += valuation.pairs.get(pair)?.onHand ?? 0;
  }
  const daysOfCover = demand > 0 ? onHandWithDemand / (demand / facts.last30.days) : null;
  return {
    criticalMetrics: {
      productsAtRisk: { value: alerts.productsAtRisk, definition: DEFINITIONS.productsAtRisk },
      pendingStockouts: { value: alerts.stockoutAlerts, definition: DEFINITIONS.pendingStockouts },
      excessInventoryValue: { value: recommendations.excessInventoryValue, definition: DEFINITIONS.excessInventoryValue },
      pendingPurchaseOrders: { value: orders.pending, definition: DEFINITIONS.pendingPurchaseOrders },
      overduePurchaseOrders: { value: orders.overdue, definition: DEFINITIONS.overduePurchaseOrders },
    },
    recommendationsSummary: recommendations.recommendationsSummary,
    alertsActive: alerts.alertsActive,
    potentialSavings: { value: recommendations.potentialSavings, definition: DEFINITIONS.potentialSavings },
    kpis: kpisOf(facts, valuation.inventoryValue, daysOfCover, today),
  };
}

/**
 * Recompute and store the tenant's summary and its slow-moving read model.
 * Called by the dashboard refresher (dashboard-refresher.ts) after planning
 * runs and when a summary grows old. One document per tenant, replaced
 * whole, so readers see the old numbers or the new, never a mix.
 *
 * @example await refreshDashboardSummary(analyticsDb, 'acme', new Date())
 */
export async function refreshDashboardSummary(db: Db, tenantId: string, now: Date): Promise<DashboardSummaryDocument> {
  const stock = await readStockValuation(db, tenantId);
  const numbers = await computeDashboardSummary(db, tenantId, now, stock);
  await refreshSlowMoving(db, tenantId, now, stock);
  const doc: DashboardSummaryDocument = { _id: tenantId, tenantId, asOf: now, numbers, slowMovingAsOf: now };
  await db.collection<DashboardSummaryDocument>(DASHBOARD_COLLECTIONS.dashboardSummaries).replaceOne({ _id: tenantId }, doc, { upsert: true });
  return doc;
}

/** When the tenant's newest completed planning run completed; null when none has. */
export async function lastRunCompletedAt(db: Db, tenantId: string): Promise<Date | null> {
  const run = await db
    .collection<PlanningRunDocument>(PLANNING_COLLECTIONS.planningRuns)
    .findOne({ tenantId, status: 'completed' }, { sort: { createdAt: -1 }, projection: { completedAt: 1 } });
  return run?.completedAt ?? null;
}

/**
 * The summary a request answers: the tenant's stored one, whatever its age,
 * with `asOf` and `stale` (a planning run completed after it: the refresher
 * replaces it within seconds) — two indexed reads, never a recomputation, and
 * nothing written. Only a tenant without a stored summary yet (no planning run
 * refreshed one) gets numbers computed for the request (`source: 'live'`).
 *
 * @example const summary = await dashboardSummary(analyticsDb, 'acme', new Date())
 */
export async function dashboardSummary(db: Db, tenantId: string, now: Date): Promise<DashboardSummary> {
  const [stored, lastRun] = await Promise.all([
    db.collection<DashboardSummaryDocument>(DASHBOARD_COLLECTIONS.dashboardSummaries).findOne({ _id: tenantId }),
    lastRunCompletedAt(db, tenantId),
  ]);
  if (stored) return { asOf: stored.asOf.toISOString(), source: 'stored', stale: lastRun !== null && stored.asOf < lastRun, ...stored.numbers };
  return { asOf: now.toISOString(), source: 'live', stale: false, ...(await computeDashboardSummary(db, tenantId, now)) };
}
