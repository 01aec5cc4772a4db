import { pollLoop, type BackgroundLogger, type PollLoop } from '@icc/shared';
import type { Db } from 'mongodb';
import { PLANNING_COLLECTIONS } from '../planning/planning.collections.js';
import type { PlanningRunDocument } from '../planning/planning.types.js';
import { DASHBOARD_COLLECTIONS } from './dashboard.collections.js';
import { lastRunCompletedAt, refreshDashboardSummary, type DashboardSummaryDocument } from './dashboard-summary.js';

export interface DashboardRefresherOptions {
  db: Db;
  log: BackgroundLogger;
  now?: () => Date;
  /** A stored summary older than this is refreshed even without a new run (alerts acknowledged, orders received meanwhile). Default 5 min. */
  maxAgeMs?: number;
  /** A summary younger than this is not refreshed again, runs or not: a busy tenant's triggered runs complete every few seconds, and each refresh reads all its stock rows. Default 60 s. */
  minIntervalMs?: number;
  /** How often it looks. Default 5 s. */
  idleMs?: number;
}

const DAY_MS = 86_400_000;

/**
 * Which tenants' summaries need refreshing: those with a planning run
 * completed in the last day after their summary (or without one yet), and
 * those whose summary is older than `maxAgeMs` — but none refreshed in the
 * last `minIntervalMs`.
 */
async function staleTenants(db: Db, now: Date, maxAgeMs: number, minIntervalMs: number): Promise<string[]> {
  const [active, summaries] = await Promise.all([
    db
      .collection<PlanningRunDocument>(PLANNING_COLLECTIONS.planningRuns)
      .distinct('tenantId', { status: 'completed', createdAt: { $gte: new Date(now.getTime() - DAY_MS) } }),
    db
      .collection<DashboardSummaryDocument>(DASHBOARD_COLLECTIONS.dashboardSummaries)
      .find({}, { projection: { asOf: 1 } })
      .toArray(),
  ]);
  const asOf = new Map(summaries.map((s) => [s._id, s.asOf]));
  const stale: string[] = [];
  for (const tenantId of new Set([...active, ...asOf.keys()])) {
    const stored = asOf.get(tenantId);
    if (stored && now.getTime() - stored.getTime() < minIntervalMs) continue;
    if (stored && now.getTime() - stored.getTime() < maxAgeMs) {
      const lastRun = await lastRunCompletedAt(db, tenantId);
      if (lastRun === null || stored >= lastRun) continue;
    }
    stale.push(tenantId);
  }
  return stale.sort();
}

/**
 * The dashboard's background work, on the one poll loop: refresh the stored
 * summary (and slow-moving read model) of each tenant whose planning run
 * completed after it, or whose summary is older than `maxAgeMs`, at most
 * once per `minIntervalMs` per tenant. The summary route then answers from one stored document.
 *
 * @example const refresher = createDashboardRefresher({ db: analyticsDb, log }); refresher.start(); await refresher.stop();
 */
export function createDashboardRefresher(options: DashboardRefresherOptions): PollLoop {
  const { db, log } = options;
  const now = options.now ?? (() => new Date());
  const maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
  const minIntervalMs = options.minIntervalMs ?? 60_000;
  return pollLoop({
    log,
    idleMs: options.idleMs ?? 5_000,
    step: async (signal) => {
      const stale = await staleTenants(db, now(), maxAgeMs, minIntervalMs);
      for (const tenantId of stale) {
        if (signal.aborted) return 'more';
        await refreshDashboardSummary(db, tenantId, now());
      }
      return 'idle';
    },
    onFailure: (error) => ({ level: 'error', msg: 'dashboard: summary refresh failed', fields: { err: error } }),
  });
}
