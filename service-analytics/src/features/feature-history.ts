import { addUtcDays, utcDaysBetween, type DayKey, type FeatureRow } from '@icc/shared';
import type { AnyBulkWriteOperation, Db } from 'mongodb';

/**
 * The feature store's compact per-SKU history: one document per (tenant,
 * SKU) holding, day by day from the SKU's first feature row to its last, the
 * fields a forecast reads — demand and the campaign, holiday and stock-out
 * flags — as parallel arrays. A forecast job reads one document per SKU
 * instead of ~730 rows (the rows stay for everything else: API, trend and
 * seasonality, tests). Kept by the same recomputation that writes the rows
 * (feature-store.ts), so it always equals them (tests check both ways).
 *
 * Rows are contiguous from a SKU's first to its last (quiet days are zero
 * rows), so position i is day `firstDay + i`. A null (a position mongod
 * padded) reads as a day without a row: zero demand, no flags.
 */
export const FEATURE_HISTORY = 'featureHistory';

export interface FeatureHistoryDoc {
  /** `${tenantId}:${sku}` */
  _id: string;
  tenantId: string;
  sku: string;
  firstDay: DayKey;
  lastDay: DayKey;
  demand: Array<number | null>;
  campaign: Array<number | null>;
  holiday: Array<number | null>;
  stockOut: Array<number | null>;
}

type HistoryRow = Pick<FeatureRow, 'day' | 'demand' | 'campaignFlag' | 'holidayFlag' | 'stockOutFlag'>;

const historyId = (tenantId: string, sku: string) => `${tenantId}:${sku}`;

/** The whole history document of a SKU from its rows (contiguous, oldest first). */
export function historyDocument(tenantId: string, sku: string, rows: readonly HistoryRow[]): FeatureHistoryDoc {
  return {
    _id: historyId(tenantId, sku),
    tenantId,
    sku,
    firstDay: rows[0]!.day,
    lastDay: rows[rows.length - 1]!.day,
    demand: rows.map((r) => r.demand),
    campaign: rows.map((r) => r.campaignFlag),
    holiday: rows.map((r) => r.holidayFlag),
    stockOut: rows.map((r) => r.stockOutFlag),
  };
}

/**
 * Bring the history documents of `skus` in line with their rows recomputed
 * from `fromDay` (`rowsBySku`: the rows from fromDay on, as just written).
 * Per SKU, one write: positions from fromDay on are set in place when the
 * SKU's history starts before fromDay (the live case: the last day or two);
 * otherwise the document is replaced whole (a new start, or a backfill);
 * a SKU left without rows from fromDay on is cut back (or removed). One
 * `$in` read of the documents' bounds per call.
 */
export async function updateFeatureHistories(
  db: Db,
  tenantId: string,
  fromDay: DayKey,
  skus: readonly string[],
  rowsBySku: ReadonlyMap<string, readonly HistoryRow[]>,
): Promise<void> {
  const histories = db.collection<FeatureHistoryDoc>(FEATURE_HISTORY);
  const bounds = new Map(
    (await histories.find({ _id: { $in: skus.map((sku) => historyId(tenantId, sku)) } }, { projection: { sku: 1, firstDay: 1, lastDay: 1 } }).toArray()).map(
      (doc) => [doc.sku, doc],
    ),
  );
  const writes: AnyBulkWriteOperation<FeatureHistoryDoc>[] = [];
  for (const sku of skus) {
    const rows = rowsBySku.get(sku) ?? [];
    const known = bounds.get(sku);
    const _id = historyId(tenantId, sku);
    if (rows.length === 0) {
      if (!known || known.lastDay < fromDay) continue;
      if (fromDay <= known.firstDay) writes.push({ deleteOne: { filter: { _id } } });
      else writes.push({ updateOne: { filter: { _id }, update: truncation(utcDaysBetween(known.firstDay, fromDay), addUtcDays(fromDay, -1)) } });
      continue;
    }
    if (!known || rows[0]!.day !== fromDay || fromDay <= known.firstDay) {
      writes.push({ replaceOne: { filter: { _id }, replacement: historyDocument(tenantId, sku, rows), upsert: true } });
      continue;
    }
    const offset = utcDaysBetween(known.firstDay, fromDay);
    const set: Record<string, unknown> = { lastDay: rows[rows.length - 1]!.day };
    rows.forEach((row, i) => {
      set[`demand.${offset + i}`] = row.demand;
      set[`campaign.${offset + i}`] = row.campaignFlag;
      set[`holiday.${offset + i}`] = row.holidayFlag;
      set[`stockOut.${offset + i}`] = row.stockOutFlag;
    });
    writes.push({ updateOne: { filter: { _id }, update: { $set: set } } });
    // The history got shorter (rare: the rows' end moved back): cut the arrays after the new last day.
    if (rows[rows.length - 1]!.day < known.lastDay) {
      writes.push({ updateOne: { filter: { _id }, update: truncation(offset + rows.length, rows[rows.length - 1]!.day) } });
    }
  }
  if (writes.length > 0) await histories.bulkWrite(writes, { ordered: true });
}

/** Keep the first `length` days of every array. */
function truncation(length: number, lastDay: DayKey) {
  const keep = { $each: [] as number[], $slice: length };
  return { $set: { lastDay }, $push: { demand: keep, campaign: keep, holiday: keep, stockOut: keep } };
}

/** The history documents of `skus`, in SKU order (absent SKUs have no feature rows). */
export async function readFeatureHistories(db: Db, tenantId: string, skus: readonly string[]): Promise<FeatureHistoryDoc[]> {
  if (skus.length === 0) return [];
  return db
    .collection<FeatureHistoryDoc>(FEATURE_HISTORY)
    .find({ _id: { $in: skus.map((sku) => historyId(tenantId, sku)) } }, { sort: { _id: 1 } })
    .toArray();
}

/** The part of a history document seasonality reads. */
export type DemandHistoryDoc = Pick<FeatureHistoryDoc, 'sku' | 'firstDay' | 'lastDay' | 'demand' | 'stockOut'>;
const DEMAND_HISTORY_PROJECTION = { _id: 0, sku: 1, firstDay: 1, lastDay: 1, demand: 1, stockOut: 1 } as const;

/**
 * The demand histories of the listed SKUs, or of the next `limit` SKUs after
 * `after` in SKU order: one indexed read of at most `limit` documents, however
 * long the histories or large the tenant.
 *
 * @example await readDemandHistories(db, 'acme', { after: 'SKU-1', limit: 2 }) // SKU-2's and SKU-3's
 */
export async function readDemandHistories(
  db: Db,
  tenantId: string,
  query: { skus: readonly string[] } | { after?: string | undefined; limit: number },
): Promise<DemandHistoryDoc[]> {
  const histories = db.collection<FeatureHistoryDoc>(FEATURE_HISTORY);
  if ('skus' in query) {
    if (query.skus.length === 0) return [];
    const ids = query.skus.map((sku) => historyId(tenantId, sku));
    return histories.find({ _id: { $in: ids } }, { sort: { _id: 1 }, projection: DEMAND_HISTORY_PROJECTION }).toArray();
  }
  const filter = query.after === undefined ? { tenantId } : { tenantId, sku: { $gt: query.after } };
  return histories.find(filter, { sort: { tenantId: 1, sku: 1 }, limit: query.limit, projection: DEMAND_HISTORY_PROJECTION }).toArray();
}

/** Indexes of the history documents (idempotent): `_id` serves every read; tenant-wide deletes use this one. */
export async function ensureFeatureHistoryIndexes(db: Db): Promise<void> {
  await db.collection(FEATURE_HISTORY).createIndex({ tenantId: 1, sku: 1 }, { name: 'tenant_sku' });
}
