import type { Db, IndexDescription } from 'mongodb';
import { FACT_COLLECTIONS } from '../facts/fact-collections.js';
import { PLANNING_COLLECTIONS } from './planning.collections.js';

/** The indexes of planning, per collection, each with the query it serves. Every one leads with `tenantId` or a key that embeds it. */
const PLANNING_INDEXES: Record<string, IndexDescription[]> = {
  [PLANNING_COLLECTIONS.reorderRules]: [{ key: { tenantId: 1, sku: 1, locationCode: 1 } }],
  [PLANNING_COLLECTIONS.planningRuns]: [
    // The leased job runner's claim (oldest pending first), and a tenant's runs newest first.
    { key: { status: 1, createdAt: 1 } },
    { key: { tenantId: 1, createdAt: -1 } },
    // One SCHEDULED run per tenant and day, one TRIGGERED run per forecast job, however often the watchers look.
    { key: { tenantId: 1, scheduledFor: 1 }, unique: true, partialFilterExpression: { scheduledFor: { $type: 'string' } } },
    { key: { tenantId: 1, forecastJobId: 1 }, unique: true, partialFilterExpression: { forecastJobId: { $type: 'string' } } },
  ],
  [PLANNING_COLLECTIONS.recommendations]: [
    // At most one PENDING recommendation per tenant × SKU × location × type: a run updates or supersedes it, never duplicates.
    {
      key: { tenantId: 1, sku: 1, locationCode: 1, type: 1 },
      unique: true,
      partialFilterExpression: { status: 'PENDING' },
      name: 'one_pending_per_pair_and_type',
    },
    // The run's bulk read of a chunk's pairs (every status), and the list's filters.
    { key: { tenantId: 1, sku: 1, locationCode: 1, status: 1 } },
    { key: { tenantId: 1, status: 1, _id: 1 } },
    { key: { tenantId: 1, _id: 1 } },
    // Expiry and the accept sweeper: by status across tenants.
    { key: { status: 1, expiresAt: 1 } },
    { key: { status: 1, actionedAt: 1 } },
  ],
  [PLANNING_COLLECTIONS.purchaseOrderRequests]: [
    // The operational service follows `recorded` requests; completion walks them too.
    { key: { status: 1, createdAt: 1 } },
    { key: { tenantId: 1, createdAt: -1 } },
  ],
  [PLANNING_COLLECTIONS.transferRequests]: [
    // The operational service follows `recorded` requests; completion walks them too.
    { key: { status: 1, createdAt: 1 } },
    { key: { tenantId: 1, createdAt: -1 } },
  ],
  [PLANNING_COLLECTIONS.planningAlerts]: [
    // One open (ACTIVE / ACKNOWLEDGED) alert per tenant × type × SKU × location: `openKey` is set while open, removed on close.
    { key: { tenantId: 1, openKey: 1 }, unique: true, partialFilterExpression: { openKey: { $type: 'string' } }, name: 'one_open_alert_per_key' },
    // A chunk's open alerts (by SKU), the active list (by status, newest first) and the history (newest first, by creation time).
    { key: { tenantId: 1, sku: 1, status: 1 } },
    { key: { tenantId: 1, status: 1, _id: -1 } },
    { key: { tenantId: 1, createdAt: -1, _id: -1 } },
  ],
  [PLANNING_COLLECTIONS.planningPairs]: [{ key: { tenantId: 1, sku: 1, locationCode: 1 } }],
  [PLANNING_COLLECTIONS.whatifScenarios]: [{ key: { tenantId: 1, createdAt: -1 } }],
  // The leased runner's claim, and a tenant's runs newest first.
  [PLANNING_COLLECTIONS.optimizationRuns]: [{ key: { status: 1, createdAt: 1 } }, { key: { tenantId: 1, createdAt: -1 } }],
  // The stock watcher: positions changed since it last looked (planning's own read of the facts stage's read model).
  [FACT_COLLECTIONS.stockReadModel]: [{ key: { updatedAt: 1 }, name: 'planning_changed_since' }],
};

/**
 * Create planning's indexes (idempotent).
 * @example await ensurePlanningIndexes(analyticsDb)
 */
export async function ensurePlanningIndexes(db: Db): Promise<void> {
  await Promise.all(Object.entries(PLANNING_INDEXES).map(([name, indexes]) => db.collection(name).createIndexes(indexes)));
}
