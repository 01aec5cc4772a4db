/**
 * Collections of the dashboard in the analytics database: the small stored
 * read models its routes answer from, so a request reads a document or an
 * indexed page instead of scanning facts, alerts and recommendations. The
 * rest it reads from earlier stages (FACT_COLLECTIONS, FORECAST_COLLECTIONS,
 * PLANNING_COLLECTIONS), never writing them.
 */
export const DASHBOARD_COLLECTIONS = {
  /** One per tenant, `_id` = tenantId: the summary's numbers as of its `asOf` (dashboard-summary.ts). */
  dashboardSummaries: 'dashboardSummaries',
  /** Per tenant × SKU × location with stock on hand and no sale in the last week: its value and last sale day, refreshed with the summary. */
  dashboardSlowMoving: 'dashboardSlowMoving',
} as const;
