import { addUtcDays, parseDayKey, type DayKey, type FeatureRow } from '@icc/shared';
import type { AnyBulkWriteOperation, Db } from 'mongodb';
import type { FeatureTouch } from '../facts/facts.types.js';
import { denseDailyTotals, toDemandSeries } from './daily-series.js';
import { hasFactBefore, readDailyTotals } from './fact-reader.js';
import { buildFeatureRows, DEFAULT_MIN_HISTORY_DAYS } from './feature-engineering.js';
import { FEATURES } from './feature-indexes.js';

/** A stored feature row: `_id` `${tenantId}:${sku}:${day}`. */
export type FeatureDocument = FeatureRow & { _id: string; tenantId: string };

/**
 * Days read before `fromDay`: the longest window (rollingMean28) must be
 * complete for the row at `fromDay`, exactly as in a full recomputation, so the
 * incremental and the full path write the same rows.
 */
const LOOKBACK_DAYS = DEFAULT_MIN_HISTORY_DAYS;
/** An upper bound for "up to the SKU's last fact day" in range queries. */
const LAST_DAY = '9999-12-31';
/** Upserts per bulkWrite: bounded memory and request size on a full backfill. */
const BULK_CHUNK = 1_000;

export interface FeatureRecomputeSummary {
  skus: number;
  /** Rows inserted or changed (an identical replacement does not count on mongod). */
  written: number;
  deleted: number;
}

/**
 * Recompute the stored features of every touched (tenant, SKU) from its
 * `fromDay` to its last fact day, from `dailySalesFacts` (all locations summed,
 * missing days zero-filled). Idempotent: rows are replaced by `_id`, and rows
 * from `fromDay` on that a recomputation would no longer produce (the SKU's
 * facts are gone, or it now has under 28 days of history there) are deleted,
 * so the collection always equals a recomputation from the facts.
 *
 * History starts at the SKU's first fact day: days before it are not zero-filled,
 * so a new SKU gets its first row 28 days after its first fact (minimum history).
 *
 * @example await recomputeFeatures(db, [{ tenantId: 'acme', sku: 'SKU-1', fromDay: '2026-03-01' }])
 */
export async function recomputeFeatures(db: Db, touches: readonly FeatureTouch[]): Promise<FeatureRecomputeSummary> {
  const summary: FeatureRecomputeSummary = { skus: 0, written: 0, deleted: 0 };
  for (const [tenantId, fromDays] of mergeTouches(touches)) {
    for (const [sku, fromDay] of fromDays) {
      summary.skus += 1;
      const rows = await featureRowsFrom(db, tenantId, sku, fromDay);
      summary.written += await upsertRows(db, tenantId, rows);
      summary.deleted += await deleteStale(db, tenantId, sku, fromDay, rows);
    }
  }
  return summary;
}

/**
 * Feature rows of one SKU for days ≥ fromDay, from the facts of fromDay − 28 on.
 * The series starts at the lookback start when the SKU has any fact before it
 * (one indexed existence check, rather than scanning the whole history for its
 * first day), else at its first fact day; it ends at its last fact day.
 */
async function featureRowsFrom(db: Db, tenantId: string, sku: string, fromDay: DayKey): Promise<FeatureRow[]> {
  const lookbackStart = addUtcDays(fromDay, -LOOKBACK_DAYS);
  const totals = (await readDailyTotals(db, tenantId, { skus: [sku], from: lookbackStart, to: LAST_DAY })).get(sku) ?? [];
  const last = totals[totals.length - 1]?.day;
  if (last === undefined || last < fromDay) return [];
  const start = (await hasFactBefore(db, tenantId, sku, lookbackStart)) ? lookbackStart : totals[0]!.day;
  const series = toDemandSeries(denseDailyTotals(totals, start, last));
  return buildFeatureRows(series, { sku }).filter((row) => row.day >= fromDay);
}

async function upsertRows(db: Db, tenantId: string, rows: readonly FeatureRow[]): Promise<number> {
  let written = 0;
  for (let i = 0; i < rows.length; i += BULK_CHUNK) {
    const ops: AnyBulkWriteOperation<FeatureDocument>[] = rows.slice(i, i + BULK_CHUNK).map((row) => {
      const doc: FeatureDocument = { _id: `${tenantId}:${row.sku}:${row.day}`, tenantId, ...row };
      return { replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } };
    });
    const result = await db.collection<FeatureDocument>(FEATURES).bulkWrite(ops, { ordered: false });
    written += result.upsertedCount + result.modifiedCount;
  }
  return written;
}

/** Delete rows from fromDay on outside the range just written (all of them when nothing was). */
async function deleteStale(db: Db, tenantId: string, sku: string, fromDay: DayKey, rows: readonly FeatureRow[]): Promise<number> {
  const firstKept = rows[0]?.day;
  const lastKept = rows[rows.length - 1]?.day;
  const outside = firstKept && lastKept ? { $or: [{ day: { $lt: firstKept } }, { day: { $gt: lastKept } }] } : {};
  const result = await db.collection<FeatureDocument>(FEATURES).deleteMany({ tenantId, sku, day: { $gte: fromDay }, ...outside });
  return result.deletedCount;
}

/** Touches grouped by tenant, then SKU, keeping the earliest fromDay of each SKU (sorted: deterministic order). */
function mergeTouches(touches: readonly FeatureTouch[]): Map<string, Map<string, DayKey>> {
  const byTenant = new Map<string, Map<string, DayKey>>();
  const sorted = [...touches].sort((a, b) => compare(a.tenantId, b.tenantId) || compare(a.sku, b.sku));
  for (const touch of sorted) {
    parseDayKey(touch.fromDay); // throws on a malformed day before anything is written
    const skus = byTenant.get(touch.tenantId) ?? new Map<string, DayKey>();
    const seen = skus.get(touch.sku);
    if (seen === undefined || touch.fromDay < seen) skus.set(touch.sku, touch.fromDay);
    byTenant.set(touch.tenantId, skus);
  }
  return byTenant;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
