import { isDuplicateKeyError, OPEN_ALERT_STATUSES, type StoredAlert } from '@icc/shared';
import { ObjectId, type AnyBulkWriteOperation, type Db } from 'mongodb';
import { PLANNING_COLLECTIONS } from '../planning.collections.js';
import type { FoundAlert } from './alert-evaluation.js';
import { announceAlerts, type AlertEventName } from './alert-live.js';

/**
 * A stored alert and, while it is open, its `openKey` (tenant × type × SKU ×
 * location): a unique partial index on it (planning.indexes.ts) keeps one
 * open alert per key however runs interleave; closing an alert removes it.
 */
export type AlertDocument = StoredAlert & { openKey?: string };

/** The alerts collection, typed. */
export const alertsOf = (db: Db) => db.collection<AlertDocument>(PLANNING_COLLECTIONS.planningAlerts);

/** The key of the one open alert of a tenant × type × SKU × location (null: the SKU as a whole). */
export function openKeyOf(tenantId: string, type: string, sku: string, locationCode: string | null): string {
  return JSON.stringify([tenantId, type, sku, locationCode]);
}

const OPEN = [...OPEN_ALERT_STATUSES];

/** What a chunk's write covers: the run, and the pairs it looked at (the SKUs, at every location or at the named ones). */
export interface AlertScope {
  tenantId: string;
  runId: string;
  now: Date;
  skus: readonly string[];
  locationCodes: readonly string[] | null;
}

/** The update that closes an open alert as the system (the condition is gone). */
function systemResolve(runId: string, now: Date) {
  return {
    $set: { status: 'RESOLVED' as const, resolvedAt: now, resolvedBy: { kind: 'system' as const, runId }, updatedAt: now },
    $unset: { openKey: '' as const },
  };
}

/**
 * Write a chunk's alert conditions: one that matches an open alert of the
 * same tenant × type × SKU × location updates it (its numbers,
 * `lastSeenRunId`, `updatedAt`; the status — ACTIVE or ACKNOWLEDGED — stays),
 * a new one is raised ACTIVE, and an open alert of the looked-at pairs whose
 * condition the run no longer finds is resolved by the system. Live events
 * follow: raised, updated (only when severity, date or impact changed) and
 * resolved. Adds the alerts raised to `counts.alertsCreated`.
 */
export async function writeChunkAlerts(db: Db, scope: AlertScope, found: readonly FoundAlert[], counts: { alertsCreated: number }): Promise<void> {
  const { tenantId, runId, now } = scope;
  const alerts = alertsOf(db);
  const existing = await alerts
    .find({ tenantId, sku: { $in: [...scope.skus] }, status: { $in: OPEN } })
    .sort({ createdAt: 1, _id: 1 })
    .toArray();
  const byKey = new Map<string, AlertDocument>();
  for (const alert of existing) {
    const key = openKeyOf(tenantId, alert.type, alert.sku, alert.locationCode);
    if (!byKey.has(key)) byKey.set(key, alert);
  }
  const seen = new Set<string>();
  const ops: AnyBulkWriteOperation<AlertDocument>[] = [];
  const events: { event: AlertEventName; alert: StoredAlert }[] = [];
  const fresh: AlertDocument[] = [];
  const unchanged: string[] = [];
  for (const f of found) {
    const key = openKeyOf(tenantId, f.type, f.sku, f.locationCode);
    const fields = {
      severity: f.severity,
      severityRule: f.severityRule,
      productName: f.productName,
      title: f.title,
      description: f.description,
      predictedDate: f.predictedDate,
      impact: f.impact,
      suggestedAction: f.suggestedAction,
      recommendationId: f.recommendationId,
      purchaseOrder: f.purchaseOrder,
    };
    const open = byKey.get(key);
    if (open) {
      seen.add(open._id);
      const changed =
        open.severity !== f.severity || open.predictedDate !== f.predictedDate || open.impact.units !== f.impact.units || open.impact.value !== f.impact.value;
      const same =
        !changed &&
        open.openKey === key &&
        open.severityRule === f.severityRule &&
        open.title === f.title &&
        open.description === f.description &&
        open.suggestedAction === f.suggestedAction &&
        open.productName === f.productName &&
        open.recommendationId === f.recommendationId &&
        open.purchaseOrder?.id === f.purchaseOrder?.id;
      // Found exactly as stored: only seen again, in one write for all of them below.
      if (same) unchanged.push(open._id);
      else
        ops.push({
          updateOne: {
            filter: { _id: open._id, tenantId, status: { $in: OPEN } },
            update: { $set: { ...fields, openKey: key, lastSeenRunId: runId, updatedAt: now } },
          },
        });
      if (changed) events.push({ event: 'alert:updated', alert: { ...open, ...fields, lastSeenRunId: runId, updatedAt: now } });
      continue;
    }
    fresh.push({
      _id: new ObjectId().toHexString(),
      tenantId,
      type: f.type,
      status: 'ACTIVE',
      sku: f.sku,
      locationCode: f.locationCode,
      ...fields,
      runId,
      lastSeenRunId: runId,
      createdAt: now,
      updatedAt: now,
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      resolvedBy: null,
      note: null,
      openKey: key,
    });
  }
  const locations = scope.locationCodes ? new Set(scope.locationCodes) : null;
  const stale = existing.filter((a) => !seen.has(a._id) && (a.locationCode === null || locations === null || locations.has(a.locationCode)));
  if (unchanged.length > 0)
    ops.push({
      updateMany: { filter: { _id: { $in: unchanged }, tenantId, status: { $in: OPEN } }, update: { $set: { lastSeenRunId: runId, updatedAt: now } } },
    });
  for (const alert of stale) ops.push({ updateOne: { filter: { _id: alert._id, tenantId, status: { $in: OPEN } }, update: systemResolve(runId, now) } });
  if (ops.length > 0) await alerts.bulkWrite(ops, { ordered: false });
  for (const alert of stale) {
    const { openKey: _key, ...rest } = alert;
    events.push({ event: 'alert:resolved', alert: { ...rest, status: 'RESOLVED', resolvedAt: now, resolvedBy: { kind: 'system', runId }, updatedAt: now } });
  }
  const raised = await insertNew(db, fresh);
  counts.alertsCreated += raised.length;
  for (const alert of raised) {
    const { openKey: _key, ...rest } = alert;
    events.push({ event: 'alert:raised', alert: rest });
  }
  await announceAlerts(db, events, now);
}

/** Insert new alerts; one another run raised for the same key meanwhile (the unique open key) is left to it. Answers those inserted. */
async function insertNew(db: Db, fresh: AlertDocument[]): Promise<AlertDocument[]> {
  if (fresh.length === 0) return [];
  try {
    await alertsOf(db).insertMany(fresh, { ordered: false });
    return fresh;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const stored = await alertsOf(db)
      .find({ _id: { $in: fresh.map((a) => a._id) } }, { projection: { _id: 1 } })
      .toArray();
    const ids = new Set(stored.map((a) => a._id));
    return fresh.filter((a) => ids.has(a._id));
  }
}

/**
 * After a whole run: resolve the tenant's open alerts it neither saw nor
 * re-evaluated (SKUs no longer stocked), leaving those another run touched
 * since this one started. Answers how many it resolved.
 */
export async function resolveUnseenAlerts(db: Db, tenantId: string, runId: string, startedAt: Date, now: Date): Promise<number> {
  const alerts = alertsOf(db);
  const filter = { tenantId, status: { $in: OPEN }, lastSeenRunId: { $ne: runId }, updatedAt: { $lt: startedAt } };
  const stale = await alerts.find(filter).toArray();
  if (stale.length === 0) return 0;
  const ids = stale.map((a) => a._id);
  await alerts.updateMany({ ...filter, _id: { $in: ids } }, systemResolve(runId, now));
  const resolved = await alerts.find({ _id: { $in: ids }, tenantId, status: 'RESOLVED', resolvedAt: now }).toArray();
  await announceAlerts(
    db,
    resolved.map(({ openKey: _key, ...alert }) => ({ event: 'alert:resolved' as const, alert })),
    now,
  );
  return resolved.length;
}
