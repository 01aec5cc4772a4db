import { addUtcDays, parseDayKey, type DayKey, type FeatureRow } from '@icc/shared';
import type { AnyBulkWriteOperation, Db } from 'mongodb';
import type { FeatureTouch } from '../facts/facts.types.js';
import { denseDailyTotals, toDemandSeries } from './daily-series.js';
import { FACT_COLLECTIONS, type FactSeriesDoc } from '../facts/fact-collections.js';
import { hasFactBefore, readDailyTotals } from './fact-reader.js';
import { buildFeatureRows, DEFAULT_MIN_HISTORY_DAYS } from './feature-engineering.js';
import { updateFeatureHistories } from './feature-history.js';
import { FEATURES } from './feature-indexes.js';
import { chunks, IN_LIST_MAX } from '../util/collections.js';

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
/**
 * SKUs read, computed and written together: few round trips for a live batch,
 * and bounded memory when a backfill rebuilds every SKU's whole history
 * (100 SKUs × 4 locations × 730 days ≈ 300k facts per read).
 */
const SKU_CHUNK = 100;

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
 * so the collection always equals a recomputation from the facts. The SKU's
 * compact history document (feature-history.ts) is brought in line with the
 * same rows.
 *
 * History starts at the SKU's first fact day: days before it are not zero-filled,
 * so a new SKU gets its first row 28 days after its first fact (minimum history).
 *
 * @example await recomputeFeatures(db, [{ tenantId: 'acme', sku: 'SKU-1', fromDay: '2026-03-01' }])
 */
export async function recomputeFeatures(db: Db, touches: readonly FeatureTouch[], signal?: AbortSignal): Promise<FeatureRecomputeSummary> {
  const summary: FeatureRecomputeSummary = { skus: 0, written: 0, deleted: 0 };
  for (const [tenantId, touched] of mergeTouches(touches)) {
    const { fromDays, firstFactDays } = await coverGaps(db, tenantId, touched);
    // SKUs that share a fromDay (a live batch: all today) share each read and write, instead of four round trips per SKU.
    const byFromDay = new Map<DayKey, string[]>();
    for (const [sku, fromDay] of fromDays) byFromDay.set(fromDay, [...(byFromDay.get(fromDay) ?? []), sku]);
    for (const [fromDay, allSkus] of byFromDay) {
      for (const skus of chunks(allSkus, SKU_CHUNK)) {
        signal?.throwIfAborted();
        summary.skus += skus.length;
        const rowsBySku = await featureRowsFrom(db, tenantId, skus, fromDay, firstFactDays);
        summary.written += await upsertRows(db, tenantId, [...rowsBySku.values()].flat());
        summary.deleted += await deleteStale(db, tenantId, fromDay, skus, rowsBySku);
        await updateFeatureHistories(db, tenantId, fromDay, skus, rowsBySku);
      }
    }
  }
  return summary;
}

/**
 * Move each SKU's fromDay back over days that have no row yet but will: a
 * SKU's rows run from 28 days after its first fact to its last fact day, so a
 * fact after a quiet spell (days without sales have no fact) also creates the
 * zero-demand rows between the previous last row and it. Without this, the
 * incremental path would leave that stretch empty where a full recomputation
 * fills it. Two `$in` reads per batch whatever its size: yesterday's rows (a
 * SKU that has one has no gap: the usual live case), then, for the others,
 * the facts layer's per-series index of fact days (first fact, last fact
 * before fromDay).
 *
 * Also returns what the reads learnt of each SKU's first fact day, so the
 * feature rows need no further lookup to know where the SKU's series starts:
 * the day itself when the fact series was read, EARLY_HISTORY when the SKU
 * has yesterday's row (so its first fact lies at least 29 days back).
 */
async function coverGaps(
  db: Db,
  tenantId: string,
  fromDays: ReadonlyMap<string, DayKey>,
): Promise<{ fromDays: Map<string, DayKey>; firstFactDays: Map<string, DayKey> }> {
  const out = new Map(fromDays);
  const firstFactDays = new Map<string, DayKey>();
  const contiguous = new Set<string>();
  const skus = [...fromDays.keys()];
  for (const chunk of chunks(skus, IN_LIST_MAX)) {
    const rows = await db
      .collection<FeatureDocument>(FEATURES)
      .find(
        { tenantId, sku: { $in: chunk }, day: { $in: [...new Set(chunk.map((sku) => addUtcDays(fromDays.get(sku)!, -1)))] } },
        { projection: { _id: 0, sku: 1, day: 1 } },
      )
      .toArray();
    for (const row of rows) {
      if (row.day !== addUtcDays(fromDays.get(row.sku)!, -1)) continue;
      contiguous.add(row.sku);
      firstFactDays.set(row.sku, EARLY_HISTORY);
    }
  }
  const rest = skus.filter((sku) => !contiguous.has(sku));
  for (const chunk of chunks(rest, IN_LIST_MAX)) {
    const series = await db
      .collection<FactSeriesDoc>(FACT_COLLECTIONS.factSeries)
      .find({ tenantId, sku: { $in: chunk } }, { projection: { _id: 0, sku: 1, days: 1 } })
      .toArray();
    for (const [sku, days] of daysBySku(series)) {
      const fromDay = fromDays.get(sku)!;
      if (days.length > 0)
        firstFactDays.set(
          sku,
          days.reduce((a, b) => (a < b ? a : b)),
        );
      const before = days.filter((day) => day < fromDay);
      if (before.length === 0) continue; // nothing earlier: the SKU's rows start from its facts at fromDay or later
      const firstRowDay = addUtcDays(
        before.reduce((a, b) => (a < b ? a : b)),
        DEFAULT_MIN_HISTORY_DAYS,
      );
      const afterLastFact = addUtcDays(
        before.reduce((a, b) => (a > b ? a : b)),
        1,
      );
      const gapStart = firstRowDay > afterLastFact ? firstRowDay : afterLastFact;
      if (gapStart < fromDay) out.set(sku, gapStart);
    }
  }
  return { fromDays: out, firstFactDays };
}

/** "The first fact lies before any lookback window": stands for a SKU with yesterday's feature row. */
const EARLY_HISTORY = '0000-01-01';

function daysBySku(series: readonly Pick<FactSeriesDoc, 'sku' | 'days'>[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of series) out.set(s.sku, [...(out.get(s.sku) ?? []), ...s.days]);
  return out;
}

/**
 * Feature rows of each SKU for days ≥ fromDay, from the facts of fromDay − 28
 * on (one read for all the SKUs). A SKU's series starts at the lookback
 * start when it has any fact before it (known from coverGaps' reads, or one
 * indexed existence check for a SKU they did not cover), else at its first
 * fact day; it ends at its last fact day.
 */
async function featureRowsFrom(
  db: Db,
  tenantId: string,
  skus: readonly string[],
  fromDay: DayKey,
  firstFactDays: ReadonlyMap<string, DayKey>,
): Promise<Map<string, FeatureRow[]>> {
  const lookbackStart = addUtcDays(fromDay, -LOOKBACK_DAYS);
  const totalsBySku = await readDailyTotals(db, tenantId, { skus, from: lookbackStart, to: LAST_DAY });
  const live = skus.filter((sku) => {
    const totals = totalsBySku.get(sku) ?? [];
    const last = totals[totals.length - 1]?.day;
    return last !== undefined && last >= fromDay;
  });
  // A window that starts with a fact on lookbackStart starts there whatever came before: no check needed.
  const withEarlier = new Set<string>();
  for (const sku of live) {
    if (totalsBySku.get(sku)![0]!.day === lookbackStart) continue;
    const first = firstFactDays.get(sku);
    if (first !== undefined ? first < lookbackStart : await hasFactBefore(db, tenantId, sku, lookbackStart)) withEarlier.add(sku);
  }
  const out = new Map<string, FeatureRow[]>();
  for (const sku of live) {
    const totals = totalsBySku.get(sku)!;
    const start = totals[0]!.day === lookbackStart || withEarlier.has(sku) ? lookbackStart : totals[0]!.day;
    const series = toDemandSeries(denseDailyTotals(totals, start, totals[totals.length - 1]!.day));
    out.set(
      sku,
      buildFeatureRows(series, { sku }).filter((row) => row.day >= fromDay),
    );
  }
  return out;
}

async function upsertRows(db: Db, tenantId: string, rows: readonly FeatureRow[]): Promise<number> {
  let written = 0;
  for (const chunk of chunks(rows, BULK_CHUNK)) {
    const ops: AnyBulkWriteOperation<FeatureDocument>[] = chunk.map((row) => {
      const doc: FeatureDocument = { _id: `${tenantId}:${row.sku}:${row.day}`, tenantId, ...row };
      return { replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } };
    });
    const result = await db.collection<FeatureDocument>(FEATURES).bulkWrite(ops, { ordered: false });
    written += result.upsertedCount + result.modifiedCount;
  }
  return written;
}

/**
 * Delete each SKU's rows from fromDay on outside the range just written (all
 * of them when nothing was). The usual case — rows written from fromDay on —
 * only needs "after the last row", so SKUs with the same last row share one
 * deleteMany; the others (short history) get their own.
 */
async function deleteStale(
  db: Db,
  tenantId: string,
  fromDay: DayKey,
  skus: readonly string[],
  rowsBySku: ReadonlyMap<string, readonly FeatureRow[]>,
): Promise<number> {
  const features = db.collection<FeatureDocument>(FEATURES);
  const afterLast = new Map<DayKey, string[]>();
  const none: string[] = [];
  let deleted = 0;
  for (const sku of skus) {
    const rows = rowsBySku.get(sku) ?? [];
    const firstKept = rows[0]?.day;
    const lastKept = rows[rows.length - 1]?.day;
    if (!firstKept || !lastKept) none.push(sku);
    else if (firstKept === fromDay) afterLast.set(lastKept, [...(afterLast.get(lastKept) ?? []), sku]);
    else
      deleted += (await features.deleteMany({ tenantId, sku, day: { $gte: fromDay }, $or: [{ day: { $lt: firstKept } }, { day: { $gt: lastKept } }] }))
        .deletedCount;
  }
  const bySkus = (list: readonly string[]) => (list.length === 1 ? list[0] : { $in: [...list] });
  if (none.length > 0) deleted += (await features.deleteMany({ tenantId, sku: bySkus(none), day: { $gte: fromDay } })).deletedCount;
  for (const [lastKept, list] of afterLast) {
    deleted += (await features.deleteMany({ tenantId, sku: bySkus(list), day: { $gt: lastKept } })).deletedCount;
  }
  return deleted;
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
