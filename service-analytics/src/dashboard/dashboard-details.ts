import {
  addUtcDays,
  OPEN_ALERT_STATUSES,
  PLANNING_PRIORITIES,
  utcDayKey,
  type DashboardDetails,
  type DashboardDetailsQuery,
  type StoredAlert,
  type StoredRecommendation,
} from '@icc/shared';
import type { Db } from 'mongodb';
import { PLANNING_COLLECTIONS } from '../planning/planning.collections.js';
import { DASHBOARD_COLLECTIONS } from './dashboard.collections.js';
import type { DashboardSummaryDocument } from './dashboard-summary.js';
import type { SlowMovingDocument } from './slow-moving.js';

type Details = Omit<DashboardDetails, 'asOf' | 'slowMovingAsOf' | 'slowMovingDays'>;

/** Only what the lists show: the reasoning, policy numbers and lifecycle fields stay in the database (a page of 100 is then a few KB). */
const ALERT_FIELDS = { tenantId: 0, description: 0, severityRule: 0, suggestedAction: 0, acknowledgedBy: 0, resolvedBy: 0, note: 0 };
const RECOMMENDATION_FIELDS = { reasoning: 0, policy: 0, predictedDemand: 0, supplierReason: 0, actionedBy: 0, accepted: 0, transfer: 0 };

/** Any predicted day: a range that keeps the walk on the index (alerts without a date are not risks with a date to rank). */
const HAS_DAY = { $gte: '0000-00-00' };

/**
 * Open STOCKOUT_PREDICTED alerts, soonest predicted stock-out first, then the
 * larger value at risk: one index walk per open status, merged.
 */
async function stockoutRisks(db: Db, tenantId: string, limit: number): Promise<Details['stockoutRisks']> {
  const alerts = db.collection<StoredAlert>(PLANNING_COLLECTIONS.planningAlerts);
  const lists = await Promise.all(
    OPEN_ALERT_STATUSES.map((status) =>
      alerts
        .find(
          { tenantId, type: 'STOCKOUT_PREDICTED', status, predictedDate: HAS_DAY },
          { sort: { predictedDate: 1, 'impact.value': -1 }, limit, projection: ALERT_FIELDS },
        )
        .toArray(),
    ),
  );
  return lists
    .flat()
    .sort((a, b) => a.predictedDate!.localeCompare(b.predictedDate!) || b.impact.value - a.impact.value || a._id.localeCompare(b._id))
    .slice(0, limit)
    .map((a) => ({
      alertId: a._id,
      recommendationId: a.recommendationId,
      sku: a.sku,
      productName: a.productName,
      locationCode: a.locationCode,
      severity: a.severity,
      predictedDate: a.predictedDate,
      unitsShort: a.impact.units,
      valueAtRisk: a.impact.value,
      title: a.title,
    }));
}

/**
 * PENDING REORDERs: by priority (CRITICAL first), then the earliest order-by
 * date (planning always sets one; a missing one would sort first, as MongoDB
 * sorts null): one index walk per priority, in priority order, until the list
 * is full — usually the CRITICAL walk alone, so a long list reads about
 * `limit` entries rather than `limit` per priority.
 */
async function reorderNeeded(db: Db, tenantId: string, limit: number): Promise<Details['reorderNeeded']> {
  const recommendations = db.collection<StoredRecommendation>(PLANNING_COLLECTIONS.recommendations);
  const found: StoredRecommendation[] = [];
  for (const priority of PLANNING_PRIORITIES) {
    if (found.length >= limit) break;
    const page = await recommendations
      .find(
        { tenantId, status: 'PENDING', type: 'REORDER', priority },
        { sort: { orderByDate: 1, _id: 1 }, limit: limit - found.length, projection: RECOMMENDATION_FIELDS },
      )
      .toArray();
    found.push(...page);
  }
  return found.map((r) => ({
    recommendationId: r._id,
    sku: r.sku,
    productName: r.productName,
    locationCode: r.locationCode,
    priority: r.priority,
    quantity: r.quantity,
    supplierCode: r.supplierCode,
    orderByDate: r.orderByDate,
    stockoutDate: r.stockoutDate,
    cost: r.cost,
    action: r.action,
  }));
}

/**
 * PENDING recommendations of the given types, the largest savings first
 * (ties: newest id first): one index walk per type, merged. Shared with the
 * internal excess read.
 */
export async function bySavings(db: Db, tenantId: string, types: readonly StoredRecommendation['type'][], limit: number): Promise<StoredRecommendation[]> {
  const recommendations = db.collection<StoredRecommendation>(PLANNING_COLLECTIONS.recommendations);
  const lists = await Promise.all(
    types.map((type) =>
      recommendations
        .find({ tenantId, status: 'PENDING', type }, { sort: { savingsPotential: -1, _id: -1 }, limit, projection: RECOMMENDATION_FIELDS })
        .toArray(),
    ),
  );
  return lists
    .flat()
    .sort((a, b) => b.savingsPotential - a.savingsPotential || b._id.localeCompare(a._id))
    .slice(0, limit);
}

async function optimizationOpportunities(db: Db, tenantId: string, limit: number): Promise<Details['optimizationOpportunities']> {
  return (await bySavings(db, tenantId, ['EXCESS_STOCK', 'TRANSFER'], limit)).map((r) => ({
    recommendationId: r._id,
    type: r.type,
    sku: r.sku,
    productName: r.productName,
    locationCode: r.locationCode,
    fromLocationCode: r.fromLocationCode,
    quantity: r.quantity,
    value: r.cost,
    savingsPotential: r.savingsPotential,
    action: r.action,
  }));
}

/** Stocked pairs with no sale in `days` (none in the refresh's window counts), the largest value first: a walk of `{ tenantId, value }`. */
async function slowMovingItems(db: Db, tenantId: string, days: number, today: string, limit: number): Promise<Details['slowMovingItems']> {
  const before = addUtcDays(today, -days);
  const rows = await db
    .collection<SlowMovingDocument>(DASHBOARD_COLLECTIONS.dashboardSlowMoving)
    .find({ tenantId, $or: [{ lastSaleDay: null }, { lastSaleDay: { $lt: before } }] }, { sort: { value: -1, _id: 1 }, limit })
    .toArray();
  return rows.map((r) => ({
    sku: r.sku,
    productName: r.productName,
    locationCode: r.locationCode,
    onHand: r.onHand,
    value: r.value,
    lastSaleDay: r.lastSaleDay,
  }));
}

/**
 * The details lists, each ranked and at most `limit` long, with the ids of the
 * full records (alerts, recommendations). Every list is an index walk of about
 * `limit` entries per status, priority or type; slow-moving items come from the
 * read model the summary's refresh keeps (`slowMovingAsOf`).
 *
 * @example await dashboardDetails(analyticsDb, 'acme', { limit: 10, slowMovingDays: 30 }, new Date())
 */
export async function dashboardDetails(db: Db, tenantId: string, query: DashboardDetailsQuery, now: Date): Promise<DashboardDetails> {
  const today = utcDayKey(now);
  const [risks, reorders, slow, opportunities, summary] = await Promise.all([
    stockoutRisks(db, tenantId, query.limit),
    reorderNeeded(db, tenantId, query.limit),
    slowMovingItems(db, tenantId, query.slowMovingDays, today, query.limit),
    optimizationOpportunities(db, tenantId, query.limit),
    db.collection<DashboardSummaryDocument>(DASHBOARD_COLLECTIONS.dashboardSummaries).findOne({ _id: tenantId }, { projection: { slowMovingAsOf: 1 } }),
  ]);
  return {
    asOf: now.toISOString(),
    slowMovingAsOf: summary?.slowMovingAsOf?.toISOString() ?? null,
    slowMovingDays: query.slowMovingDays,
    stockoutRisks: risks,
    reorderNeeded: reorders,
    slowMovingItems: slow,
    optimizationOpportunities: opportunities,
  };
}
