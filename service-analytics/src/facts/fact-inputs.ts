import { parseDayKey } from '@icc/shared';
import type { ClientSession, Db } from 'mongodb';
import { chunks, groupBy, IN_LIST_MAX } from '../util/collections.js';
import {
  FACT_COLLECTIONS,
  factId,
  seriesId,
  type FactSeriesDoc,
  type LastStock,
  type StoredDailyFact,
  type StoredSalesEvent,
  type StoredStockEvent,
} from './fact-collections.js';
import { DAY_MS, deriveStockState, type CampaignWindow, type StockState } from './fact-derivation.js';
import type { FactKey } from './facts.types.js';
import type { CampaignMirrorDoc } from './reference-mirror.js';
import { compareStockEvents } from './stock-events.js';

/** Everything the facts of a set of keys are derived from. */
export interface FactInputs {
  salesByKey: Map<string, StoredSalesEvent[]>;
  /** The day's stock events, in `compareStockEvents` order. */
  stockByKey: Map<string, StoredStockEvent[]>;
  /** The last stock event before the key's day (null: never stocked before). */
  lastBeforeByKey: Map<string, StoredStockEvent | null>;
  campaigns: CampaignWindow[];
  /** The keys' series as recorded before this recomputation (see FactSeriesDoc). */
  series: Map<string, SeriesDays>;
  /** The keys' rows as stored now, so unchanged rows need not be written again. */
  stored: Map<string, StoredDailyFact>;
}

/** A series' recorded fact days and stock days, and its latest movement (see FactSeriesDoc.lastStock). */
export interface SeriesDays {
  days: readonly string[];
  stockDays: readonly string[];
  lastStock?: LastStock | null;
}

const STOCK_FIELDS = { _id: 1, tenantId: 1, sku: 1, locationCode: 1, onHandAfter: 1, availableAfter: 1, eventTime: 1, day: 1, factKey: 1 } as const;

/**
 * Read `ids` in `$in` chunks, one after another: every caller runs inside a
 * transaction, where operations of one session must not run concurrently.
 */
export async function findInChunks<T>(ids: readonly string[], read: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (const chunk of chunks(ids, IN_LIST_MAX)) out.push(...(await read(chunk)));
  return out;
}

/** The day's sales events of every key: one `$in` on `factKey` per 1,000 keys. */
async function loadDaySales(db: Db, ids: readonly string[], session?: ClientSession): Promise<StoredSalesEvent[]> {
  const sales = db.collection<StoredSalesEvent>(FACT_COLLECTIONS.rawSalesEvents);
  const projection = { kind: 1, quantity: 1, revenue: 1, orderId: 1, campaignId: 1, factKey: 1 };
  return findInChunks(ids, (chunk) => sales.find({ factKey: { $in: chunk } }, { projection, session }).toArray());
}

/** The latest day in `sortedDays` strictly before `day`, or null. */
function latestBefore(sortedDays: readonly string[], day: string): string | null {
  let lo = 0;
  let hi = sortedDays.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sortedDays[mid] as string) < day) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? (sortedDays[lo - 1] as string) : null;
}

/**
 * The last stock event before each key's day: the last event of the latest
 * stock day before it. Stock days are the series' recorded ones plus the key
 * days whose events were just loaded (this batch's); the events of a stock day
 * that is not a key come in one more `$in` read for the whole batch.
 */
async function lastStockBefore(
  db: Db,
  keys: readonly FactKey[],
  stockByKey: Map<string, StoredStockEvent[]>,
  series: ReadonlyMap<string, SeriesDays>,
  session?: ClientSession,
): Promise<Map<string, StoredStockEvent | null>> {
  const stockDaysOf = new Map<string, string[]>();
  for (const key of keys) {
    const id = seriesId(key);
    if (!stockDaysOf.has(id)) stockDaysOf.set(id, [...(series.get(id)?.stockDays ?? [])]);
    if (stockByKey.has(factId(key))) stockDaysOf.get(id)?.push(key.day);
  }
  for (const [id, days] of stockDaysOf) stockDaysOf.set(id, [...new Set(days)].sort());

  const previousDayOf = new Map<string, string | null>();
  const missing = new Set<string>();
  for (const key of keys) {
    const day = latestBefore(stockDaysOf.get(seriesId(key)) ?? [], key.day);
    const previousId = day === null ? null : factId({ ...key, day });
    previousDayOf.set(factId(key), previousId);
    if (previousId !== null && !stockByKey.has(previousId)) missing.add(previousId);
  }
  const fetched = missing.size === 0 ? new Map<string, StoredStockEvent[]>() : groupBy(await findByFactKeys(db, [...missing], session), (e) => e.factKey);
  const lastOf = (id: string) => {
    const events = stockByKey.get(id) ?? fetched.get(id) ?? [];
    return events.reduce<StoredStockEvent | null>((last, e) => (last === null || compareStockEvents(last, e) < 0 ? e : last), null);
  };
  const result = new Map<string, StoredStockEvent | null>();
  for (const [id, previousId] of previousDayOf) result.set(id, previousId === null ? null : lastOf(previousId));
  return result;
}

async function findByFactKeys(db: Db, ids: readonly string[], session?: ClientSession): Promise<StoredStockEvent[]> {
  const stock = db.collection<StoredStockEvent>(FACT_COLLECTIONS.rawStockEvents);
  return findInChunks(ids, (chunk) => stock.find({ factKey: { $in: chunk } }, { projection: STOCK_FIELDS, session }).toArray());
}

/** The keys' fact rows as stored now (one `$in` read per 1,000 keys). */
export async function loadStored(db: Db, ids: readonly string[], session?: ClientSession): Promise<Map<string, StoredDailyFact>> {
  const facts = db.collection<StoredDailyFact>(FACT_COLLECTIONS.dailySalesFacts);
  const rows = await findInChunks(ids, (chunk) => facts.find({ _id: { $in: chunk } }, { session }).toArray());
  return new Map(rows.map((f) => [f._id, f]));
}

/** The recorded days, stock days and latest movement of the keys' series (one `$in` read). */
export async function loadSeries(db: Db, keys: readonly FactKey[], session?: ClientSession): Promise<Map<string, SeriesDays>> {
  const ids = [...new Set(keys.map(seriesId))];
  const collection = db.collection<FactSeriesDoc>(FACT_COLLECTIONS.factSeries);
  const rows = await findInChunks(ids, (chunk) =>
    collection.find({ _id: { $in: chunk } }, { projection: { days: 1, stockDays: 1, lastStock: 1 }, session }).toArray(),
  );
  return new Map(rows.map((s) => [s._id, { days: s.days ?? [], stockDays: s.stockDays ?? [], lastStock: s.lastStock }]));
}

/**
 * Stock-out, end-of-day on hand and movement count of each key, from the
 * stored raw stock events (the day's own, and the last one before the day,
 * found through `series`' stock days — which must include the days whose
 * events this transaction has just inserted). Two rounds of `$in` reads.
 */
export async function loadStockStates(
  db: Db,
  keys: readonly FactKey[],
  series: ReadonlyMap<string, SeriesDays>,
  session?: ClientSession,
): Promise<Map<string, StockState>> {
  const stockByKey = groupBy(await findByFactKeys(db, keys.map(factId), session), (e) => e.factKey);
  for (const events of stockByKey.values()) events.sort(compareStockEvents);
  const lastBeforeByKey = await lastStockBefore(db, keys, stockByKey, series, session);
  const out = new Map<string, StockState>();
  for (const key of keys) {
    const id = factId(key);
    out.set(id, deriveStockState(lastBeforeByKey.get(id) ?? null, stockByKey.get(id) ?? []));
  }
  return out;
}

/** Planned campaigns of the keys' tenants and SKUs overlapping the keys' days (one query). */
export async function loadCampaigns(db: Db, keys: readonly FactKey[], session?: ClientSession): Promise<CampaignWindow[]> {
  if (keys.length === 0) return [];
  const tenants = [...new Set(keys.map((k) => k.tenantId))];
  const skus = [...new Set(keys.map((k) => k.sku))];
  let first = keys[0]?.day ?? '';
  let last = first;
  for (const k of keys) {
    if (k.day < first) first = k.day;
    if (k.day > last) last = k.day;
  }
  return db
    .collection<CampaignMirrorDoc>(FACT_COLLECTIONS.campaignsMirror)
    .find(
      {
        tenantId: { $in: tenants },
        skus: { $in: skus },
        status: 'planned',
        startsAt: { $lt: new Date(parseDayKey(last).getTime() + DAY_MS) },
        endsAt: { $gt: parseDayKey(first) },
      },
      { projection: { tenantId: 1, status: 1, skus: 1, startsAt: 1, endsAt: 1 }, session },
    )
    .toArray();
}

/**
 * Read what the facts of `keys` are derived from in two rounds of reads per
 * batch, whatever its size (up to 1,000 keys per `$in`): the day's raw events,
 * the campaigns and the series' days together; then the events of the stock
 * days before the keys that are not keys themselves.
 *
 * @example const inputs = await loadFactInputs(db, keys); inputs.salesByKey.get('t1:A:WH1:2026-03-01')
 */
export async function loadFactInputs(db: Db, keys: readonly FactKey[], session?: ClientSession): Promise<FactInputs> {
  const ids = keys.map(factId);
  // One read after another: inside a transaction a session's operations must not overlap.
  const sales = await loadDaySales(db, ids, session);
  const stock = await findByFactKeys(db, ids, session);
  const campaigns = await loadCampaigns(db, keys, session);
  const series = await loadSeries(db, keys, session);
  const stored = await loadStored(db, ids, session);
  const stockByKey = groupBy(stock, (e) => e.factKey);
  for (const events of stockByKey.values()) events.sort(compareStockEvents);
  const lastBeforeByKey = await lastStockBefore(db, keys, stockByKey, series, session);
  return { salesByKey: groupBy(sales, (e) => e.factKey), stockByKey, lastBeforeByKey, campaigns, series, stored };
}
