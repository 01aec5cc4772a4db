import { randomBytes } from 'node:crypto';
import { AppError, utcDayKey, type DayKey, type Page, type PlanningRun, type PlanningRunKind, type PlanningRunRequest } from '@icc/shared';
import type { Db, Filter } from 'mongodb';
import { FACT_COLLECTIONS } from '../facts/fact-collections.js';
import type { ProductMirrorDoc } from '../facts/reference-mirror.js';
import { PLANNING_COLLECTIONS } from './planning.collections.js';
import { EMPTY_RUN_COUNTS, type PlanningRunDocument } from './planning.types.js';

/** The planning runs collection, typed. */
export const planningRunsOf = (db: Db) => db.collection<PlanningRunDocument>(PLANNING_COLLECTIONS.planningRuns);

/** `plan-20260124-3f9a1c0d`: sortable by day, unique by its random tail. */
export function newRunId(now: Date): string {
  return `plan-${utcDayKey(now).replaceAll('-', '')}-${randomBytes(4).toString('hex')}`;
}

export interface NewRun {
  kind: PlanningRunKind;
  reason: string;
  skus: string[] | null;
  locationCodes: string[] | null;
  scheduledFor?: DayKey | null;
  forecastJobId?: string | null;
  awaitForecastJobId?: string | null;
}

/** A pending run document (the worker claims it). */
export function runDocument(tenantId: string, run: NewRun, now: Date): PlanningRunDocument {
  return {
    _id: newRunId(now),
    tenantId,
    kind: run.kind,
    reason: run.reason,
    parameters: { skus: run.skus, locationCodes: run.locationCodes },
    scheduledFor: run.scheduledFor ?? null,
    forecastJobId: run.forecastJobId ?? null,
    awaitForecastJobId: run.awaitForecastJobId ?? null,
    status: 'pending',
    progress: { total: 0, done: 0 },
    resumeAfterSku: null,
    counts: { ...EMPTY_RUN_COUNTS },
    inputs: { today: null, forecastJobIds: [], forecastDates: [], stockAsOf: null },
    skipped: [],
    durationMs: null,
    runner: null,
    heartbeatAt: null,
    createdAt: now,
    startedAt: null,
    completedAt: null,
    error: null,
  };
}

/**
 * `POST /api/planning/runs`: queue a MANUAL run. SKUs it names must be in the
 * tenant's catalog (another tenant's are refused like unknown ones), before
 * anything is written.
 *
 * @example await requestPlanningRun(db, 'acme', { skus: ['SKU-1'] }, new Date())
 */
export async function requestPlanningRun(db: Db, tenantId: string, request: PlanningRunRequest, now: Date): Promise<PlanningRunDocument> {
  const skus = request.skus ? [...new Set(request.skus)].sort() : null;
  if (skus) {
    const known = new Set<string>();
    for (let i = 0; i < skus.length; i += 1_000) {
      const ids = skus.slice(i, i + 1_000).map((sku) => `${tenantId}:${sku}`);
      const found = await db
        .collection<ProductMirrorDoc>(FACT_COLLECTIONS.productsMirror)
        .find({ _id: { $in: ids } }, { projection: { sku: 1 } })
        .toArray();
      for (const p of found) known.add(p.sku);
    }
    const unknown = skus.filter((sku) => !known.has(sku));
    if (unknown.length > 0) {
      const named = unknown.slice(0, 10).join(', ');
      throw new AppError(
        'INVALID_INPUT',
        `Unknown SKU${unknown.length > 1 ? 's' : ''}: ${named}${unknown.length > 10 ? ` and ${unknown.length - 10} more` : ''} (not in the catalog)`,
        [{ path: 'skus', message: `unknown: ${named}` }],
      );
    }
  }
  const locationCodes = request.locationCodes ? [...new Set(request.locationCodes)].sort() : null;
  const run = runDocument(tenantId, { kind: 'MANUAL', reason: request.reason ?? 'requested through the API', skus, locationCodes }, now);
  await planningRunsOf(db).insertOne(run);
  return run;
}

export function toPlanningRun(run: PlanningRunDocument): PlanningRun {
  return {
    runId: run._id,
    kind: run.kind,
    reason: run.reason,
    status: run.status,
    parameters: run.parameters,
    progress: run.progress,
    counts: run.counts,
    inputs: { ...run.inputs, stockAsOf: run.inputs.stockAsOf?.toISOString() ?? null },
    skipped: run.skipped,
    durationMs: run.durationMs,
    error: run.error,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    completedAt: run.completedAt?.toISOString() ?? null,
  };
}

/** A run of the tenant; NOT_FOUND for another tenant's or an unknown id. */
export async function getPlanningRun(db: Db, tenantId: string, runId: string): Promise<PlanningRun> {
  const run = await planningRunsOf(db).findOne({ _id: runId, tenantId });
  if (!run) throw new AppError('NOT_FOUND', `No planning run ${runId}`);
  return toPlanningRun(run);
}

/** The tenant's runs, newest first, a page at a time; the cursor holds the last run's creation time and id. */
export async function listPlanningRuns(db: Db, tenantId: string, query: { limit: number; cursor?: string | undefined }): Promise<Page<PlanningRun>> {
  const filter: Filter<PlanningRunDocument> = { tenantId };
  if (query.cursor !== undefined) {
    const { at, id } = decodeRunCursor(query.cursor);
    filter.$or = [{ createdAt: { $lt: at } }, { createdAt: at, _id: { $lt: id } }];
  }
  const rows = await planningRunsOf(db)
    .find(filter)
    .sort({ createdAt: -1, _id: -1 })
    .limit(query.limit + 1)
    .toArray();
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > query.limit && last ? Buffer.from(`${last.createdAt.getTime()}:${last._id}`).toString('base64url') : null;
  return { items: page.map(toPlanningRun), nextCursor };
}

function decodeRunCursor(cursor: string): { at: Date; id: string } {
  const match = /^(\d{1,15}):(plan-\d{8}-[0-9a-f]{8})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match)
    throw new AppError('INVALID_INPUT', 'cursor: not a cursor from this list; use nextCursor from the previous page', [
      { path: 'cursor', message: 'invalid cursor' },
    ]);
  return { at: new Date(Number(match[1])), id: match[2]! };
}
