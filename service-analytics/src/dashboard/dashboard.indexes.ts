import type { Db, IndexDescription } from 'mongodb';
import { FACT_COLLECTIONS } from '../facts/fact-collections.js';
import { PLANNING_COLLECTIONS } from '../planning/planning.collections.js';
import { DASHBOARD_COLLECTIONS } from './dashboard.collections.js';

/**
 * The indexes the dashboard's reads walk, each with the list it serves: an
 * equality prefix then the ranking field, so a ranked list of `limit` items
 * reads about `limit` index entries. Those on earlier stages' collections are
 * named `dashboard_*` (their owners' indexes keep their own names).
 */
const DASHBOARD_INDEXES: Record<string, IndexDescription[]> = {
  [DASHBOARD_COLLECTIONS.dashboardSlowMoving]: [
    // The slow-moving list: the largest value first, filtered by last sale day.
    { key: { tenantId: 1, value: -1 }, name: 'dashboard_slow_by_value' },
  ],
  [PLANNING_COLLECTIONS.planningAlerts]: [
    // stockoutRisks: open STOCKOUT_PREDICTED alerts, soonest predicted date first, larger value at risk first.
    { key: { tenantId: 1, type: 1, status: 1, predictedDate: 1, 'impact.value': -1 }, name: 'dashboard_alert_risks' },
  ],
  [PLANNING_COLLECTIONS.recommendations]: [
    // reorderNeeded: PENDING REORDERs per priority, earliest order-by date first.
    { key: { tenantId: 1, status: 1, type: 1, priority: 1, orderByDate: 1 }, name: 'dashboard_reorder_by_date' },
    // optimizationOpportunities and the excess read: PENDING EXCESS_STOCK / TRANSFER, largest savings first.
    { key: { tenantId: 1, status: 1, type: 1, savingsPotential: 1 }, name: 'dashboard_by_savings' },
  ],
  // The critical-stock read: the tenant's largest safety stock, then the positions available below it.
  [FACT_COLLECTIONS.productsMirror]: [{ key: { tenantId: 1, safetyStock: -1 }, name: 'dashboard_products_safety' }],
  [FACT_COLLECTIONS.stockReadModel]: [{ key: { tenantId: 1, available: 1 }, name: 'dashboard_stock_available' }],
  [FACT_COLLECTIONS.purchaseOrdersMirror]: [
    // Pending deliveries per status, earliest expected date first.
    { key: { tenantId: 1, status: 1, expectedDate: 1 }, name: 'dashboard_po_expected' },
  ],
};

/**
 * Create the dashboard's indexes (idempotent).
 * @example await ensureDashboardIndexes(analyticsDb)
 */
export async function ensureDashboardIndexes(db: Db): Promise<void> {
  await Promise.all(Object.entries(DASHBOARD_INDEXES).map(([name, indexes]) => db.collection(name).createIndexes(indexes)));
}
