import { parseDayKey, type BackgroundLogger } from '@icc/shared';
import type { AnyBulkWriteOperation, ClientSession, Db, MongoClient, UpdateFilter } from 'mongodb';
import type { SourceChange } from '../cdc/cdc.types.js';
import { campaignFactKeys } from './campaign-keys.js';
import { carryForwardKeys } from './carry-forward.js';
import { featureTouches, recomputeFacts } from './daily-facts.js';
import {
  FACT_COLLECTIONS,
  factId,
  factKeyOf,
  seriesId,
  toCents,
  type FactSeriesDoc,
  type LastStock,
  type StoredDailyFact,
  type StoredSalesEvent,
  type StoredStockEvent,
} from './fact-collections.js';
import { buildFact, campaignCoversDay, deriveStockState, type SalesTotals, type StockState } from './fact-derivation.js';
import { findInChunks, loadCampaigns, loadSeries, loadStockStates, loadStored, type SeriesDays } from './fact-inputs.js';
import type { FactKey, FeatureTouch } from './facts.types.js';
import { deriveBatchEvents } from './raw-events.js';
import { compareStockEvents } from './stock-events.js';
import { groupBy } from '../util/collections.js';
import { enqueueFeatureWork } from './feature-work.js';

export interface RecordFactsOptions {
  /**
   * Run inside this session's open transaction instead of starting one: the
   * caller commits or aborts (tests use it to abort mid-batch).
   */
  session?: ClientSession;
  /** Reports source documents skipped for their shape. */
  log?: BackgroundLogger;
}

/**
 * Record a batch's raw events and bring its daily facts up to date, in ONE
 * transaction, so the facts count every raw event exactly once:
 * - the raw events (sales lines, ledger rows) not stored yet are inserted —
 *   which ones are new is read first, in the transaction;
 * - only the new events are added to their fact rows (`$inc` of the
 *   quantities and of `orders` — an order counts in a row at its first
 *   demanded line there —, revenue summed in cents), so a busy day costs per
 *   batch what the batch brings, not what the day holds;
 * - the stock part (stockOut, endOfDayOnHand, and its carry-forward to later
 *   rows) is updated from the stored rows and the series' latest movement
 *   when the new movements all come after it (the forward flow), else
 *   re-derived from the stored movements of the days concerned;
 * - rows a campaign change may re-flag are recomputed whole (recomputeFacts).
 * A re-delivered event is already stored, so it adds nothing; a crash before
 * the commit leaves neither its raw events nor its increments, so the
 * re-delivery applies them once. This holds only while every writer of these
 * collections goes through here: the facts are no longer re-derived from all
 * raw events of a day on each batch.
 *
 * The same transaction queues the feature work (feature-work.ts): per
 * (tenant, SKU), the earliest day the batch's events touch — new or
 * re-delivered — and the days whose rows the stock carry-forward or a
 * campaign change reached. Those touches are also returned.
 *
 * @example const touches = await recordFacts(analyticsDb, changes); // features follow via the feature worker
 */
export async function recordFacts(db: Db, changes: readonly SourceChange[], options: RecordFactsOptions = {}): Promise<FeatureTouch[]> {
  const { sales, stock } = deriveBatchEvents(changes, new Date(), options.log);
  if (sales.length === 0 && stock.length === 0 && !changes.some((c) => c.collection === 'campaigns')) return [];
  if (options.session) return applyBatchAndQueue(db, options.session, changes, sales, stock);
  return inWriterSession(db, async (session) => {
    let touches: FeatureTouch[] = [];
    // withTransaction retries the whole callback on a transient error: it recomputes everything from what it reads.
    await session.withTransaction(async (s) => {
      touches = await applyBatchAndQueue(db, s, changes, sales, stock);
    });
    return touches;
  });
}

/** The batch's facts and its queued feature work, committed together. */
async function applyBatchAndQueue(...args: Parameters<typeof applyBatch>): Promise<FeatureTouch[]> {
  const touches = await applyBatch(...args);
  await enqueueFeatureWork(args[0], args[1], touches);
  return touches;
}

const WRITER_ID = 'facts';

interface Writer {
  session: ClientSession;
  /** The batch in flight: batches run one at a time, as a session's transactions must. */
  tail: Promise<unknown>;
}

const writers = new WeakMap<MongoClient, Map<string, Promise<Writer>>>();

/**
 * One long-lived session per analytics database and process. Its id is
 * recorded, and the next process ends the recorded one before it writes:
 * a consumer killed mid-transaction leaves that transaction open, holding
 * the fact rows it wrote — mongod aborts it only after
 * transactionLifetimeLimitSeconds (60 s by default), embedded-mongo never —
 * and every transaction of its successor would conflict with it until then.
 * `endSessions` aborts it at once. Assumes one facts writer per database (one
 * CDC consumer, as the architecture has it): a second one would end the
 * first's session, whose batch would then fail and be re-delivered.
 */
async function openWriter(db: Db): Promise<Writer> {
  const registry = db.collection<{ _id: string; lsid: unknown }>(FACT_COLLECTIONS.factsWriter);
  const previous = await registry.findOne({ _id: WRITER_ID });
  if (previous) await db.client.db('admin').command({ endSessions: [previous.lsid] });
  const session = db.client.startSession();
  await registry.replaceOne({ _id: WRITER_ID }, { lsid: session.id }, { upsert: true });
  return { session, tail: Promise.resolve() };
}

async function inWriterSession<T>(db: Db, work: (session: ClientSession) => Promise<T>): Promise<T> {
  let byName = writers.get(db.client);
  if (!byName) writers.set(db.client, (byName = new Map<string, Promise<Writer>>()));
  let opening = byName.get(db.databaseName);
  if (!opening) {
    opening = openWriter(db);
    byName.set(db.databaseName, opening);
    // A failed start (e.g. the database unreachable) is retried by the next batch.
    opening.catch(() => byName.delete(db.databaseName));
  }
  const writer = await opening;
  const run = writer.tail.then(() => work(writer.session));
  writer.tail = run.catch(() => undefined);
  return run;
}

/** What new sales events add to one row (revenue also in whole cents, as it is summed). */
interface SalesDelta {
  totals: SalesTotals;
  revenueCents: number;
}

/**
 * Sum the new events of one row. An order counts once per row: at its first
 * demanded event there, unless an earlier one was already stored (`counted`,
 * `${factKey}\n${orderId}`). Mutates `counted` so a batch counts it once too.
 */
function salesDelta(events: readonly StoredSalesEvent[], counted: Set<string>): SalesDelta {
  const d: SalesTotals = { quantityDemanded: 0, quantitySold: 0, quantityReturned: 0, quantityUnfulfilled: 0, revenue: 0, orders: 0, campaignPriced: false };
  let revenueCents = 0;
  for (const e of events) {
    revenueCents += toCents(e.revenue);
    if (e.kind === 'demanded') {
      d.quantityDemanded += e.quantity;
      const pair = `${e.factKey}\n${e.orderId}`;
      if (!counted.has(pair)) {
        counted.add(pair);
        d.orders += 1;
      }
      if (e.campaignId) d.campaignPriced = true;
    } else if (e.kind === 'fulfilled') d.quantitySold += e.quantity;
    else if (e.kind === 'returned') d.quantityReturned += e.quantity;
    else d.quantityUnfulfilled += e.quantity;
  }
  d.revenue = revenueCents / 100;
  return { totals: d, revenueCents };
}

/** The ids among `ids` already stored in `collection` (read in the transaction). */
async function storedIds(db: Db, session: ClientSession, collection: string, ids: readonly string[]): Promise<Set<string>> {
  const coll = db.collection<{ _id: string }>(collection);
  const found = await findInChunks(ids, (chunk) => coll.find({ _id: { $in: chunk } }, { projection: { _id: 1 }, session }).toArray());
  return new Set(found.map((d) => d._id));
}

/**
 * What earlier batches stored of the orders this batch's sales events belong
 * to, in one `$in` per tenant on the { tenantId, orderId } index (read before
 * the inserts, so it sees only earlier batches): which of the batch's events
 * are stored already (re-delivered), and the (row, order) pairs that already
 * have a demanded event (an order counts once per row).
 */
async function storedOfOrders(db: Db, session: ClientSession, sales: readonly StoredSalesEvent[]): Promise<{ known: Set<string>; counted: Set<string> }> {
  const byTenant = new Map<string, Set<string>>();
  for (const e of sales) {
    const orders = byTenant.get(e.tenantId) ?? new Set<string>();
    orders.add(e.orderId);
    byTenant.set(e.tenantId, orders);
  }
  const batchIds = new Set(sales.map((e) => e._id));
  const known = new Set<string>();
  const counted = new Set<string>();
  const coll = db.collection<StoredSalesEvent>(FACT_COLLECTIONS.rawSalesEvents);
  for (const [tenantId, orders] of byTenant) {
    const found = await findInChunks([...orders], (chunk) =>
      coll.find({ tenantId, orderId: { $in: chunk } }, { projection: { _id: 1, kind: 1, orderId: 1, factKey: 1 }, session }).toArray(),
    );
    for (const e of found) {
      if (batchIds.has(e._id)) known.add(e._id);
      if (e.kind === 'demanded') counted.add(`${e.factKey}\n${e.orderId}`);
    }
  }
  return { known, counted };
}

const toLastStock = (e: Pick<StoredStockEvent, '_id' | 'eventTime' | 'day' | 'onHandAfter' | 'availableAfter'>): LastStock => ({
  _id: e._id,
  eventTime: e.eventTime,
  day: e.day,
  onHandAfter: e.onHandAfter,
  availableAfter: e.availableAfter,
});

/**
 * The latest movement of each series, from the series document; series
 * written before `lastStock` existed that have movements get it by one
 * indexed read each (once: it is stored with this batch).
 */
async function resolveLastStock(
  db: Db,
  session: ClientSession,
  series: Map<string, SeriesDays>,
  keys: readonly FactKey[],
): Promise<Map<string, LastStock | null>> {
  const out = new Map<string, LastStock | null>();
  const stock = db.collection<StoredStockEvent>(FACT_COLLECTIONS.rawStockEvents);
  for (const key of keys) {
    const id = seriesId(key);
    if (out.has(id)) continue;
    const recorded = series.get(id);
    if (recorded?.lastStock !== undefined) out.set(id, recorded.lastStock);
    else if (!recorded || recorded.stockDays.length === 0) out.set(id, null);
    else {
      const latest = await stock
        .find({ tenantId: key.tenantId, sku: key.sku, locationCode: key.locationCode }, { sort: { eventTime: -1, _id: -1 }, limit: 1, session })
        .toArray();
      out.set(id, latest[0] ? toLastStock(latest[0]) : null);
    }
  }
  return out;
}

/** The last of `timeline` (sorted) strictly before the start of `day`, or null. */
function lastBeforeDay(timeline: readonly LastStock[], day: string): LastStock | null {
  const start = parseDayKey(day).getTime();
  let found: LastStock | null = null;
  for (const e of timeline) {
    if (e.eventTime.getTime() >= start) break;
    found = e;
  }
  return found;
}

const isOut = (e: Pick<LastStock, 'availableAfter'>) => e.availableAfter <= 0;

async function applyBatch(
  db: Db,
  session: ClientSession,
  changes: readonly SourceChange[],
  sales: readonly StoredSalesEvent[],
  stock: readonly StoredStockEvent[],
): Promise<FeatureTouch[]> {
  // Reads first, then writes, one operation at a time: a session's operations must not overlap in a transaction.
  const { known: knownSales, counted } = await storedOfOrders(db, session, sales);
  const knownStock = await storedIds(
    db,
    session,
    FACT_COLLECTIONS.rawStockEvents,
    stock.map((e) => e._id),
  );
  const newSales = sales.filter((e) => !knownSales.has(e._id));
  const newStock = stock.filter((e) => !knownStock.has(e._id)).sort(compareStockEvents);
  const campaignKeys = await campaignFactKeys(db, changes, session);

  const salesByKey = groupBy(newSales, (e) => e.factKey);
  const stockByKey = groupBy(newStock, (e) => e.factKey);
  const changed = new Map<string, FactKey>();
  for (const e of [...newSales, ...newStock]) if (!changed.has(e.factKey)) changed.set(e.factKey, factKeyOf(e));
  const changedKeys = [...changed.values()];
  const stored = await loadStored(db, [...changed.keys()], session);
  const series = await loadSeries(db, changedKeys, session);
  const lastStock = await resolveLastStock(db, session, series, changedKeys);
  const newRows = changedKeys.filter((k) => !stored.has(factId(k)));
  const campaigns = await loadCampaigns(db, newRows, session);

  // Insert without expecting a duplicate: a write error would abort the transaction (as on mongod).
  if (newSales.length > 0) await db.collection<StoredSalesEvent>(FACT_COLLECTIONS.rawSalesEvents).insertMany(newSales, { session });
  if (newStock.length > 0) await db.collection<StoredStockEvent>(FACT_COLLECTIONS.rawStockEvents).insertMany(newStock, { session });

  // Stock state of every row whose stock part changes: computed here (fast) or read back (slow).
  const states = new Map<string, StockState>();
  const slow = new Map<string, FactKey>();
  /** Existing rows without new events that the carry-forward reaches. */
  const carried = new Map<string, FactKey>();
  const seriesWrites: AnyBulkWriteOperation<FactSeriesDoc>[] = [];
  const effectiveSeries = new Map<string, SeriesDays>();
  // Grouped once (in newStock's order): filtering all of newStock per series made a batch cost series × movements.
  const stockBySeries = groupBy(newStock, seriesId);
  for (const [sid, keys] of groupBy(changedKeys, seriesId)) {
    const identity = { tenantId: keys[0]!.tenantId, sku: keys[0]!.sku, locationCode: keys[0]!.locationCode };
    const recorded = series.get(sid) ?? { days: [], stockDays: [] };
    const last = lastStock.get(sid) ?? null;
    const events = stockBySeries.get(sid) ?? [];
    const newStockDays = [...new Set(events.map((e) => e.day))];
    const newRowDays = keys.filter((k) => !stored.has(factId(k))).map((k) => k.day);
    effectiveSeries.set(sid, {
      days: [...new Set([...recorded.days, ...newRowDays])],
      stockDays: [...new Set([...recorded.stockDays, ...newStockDays])].sort(),
    });
    const newLast = events.length > 0 ? toLastStock(events.at(-1)!) : last;
    const latest = last !== null && newLast !== null && compareStockEvents(last, newLast) > 0 ? last : newLast;
    if (newRowDays.length > 0 || newStockDays.length > 0 || recorded.lastStock === undefined || events.length > 0) {
      seriesWrites.push({
        updateOne: {
          filter: { _id: sid },
          update: { $setOnInsert: identity, $addToSet: { days: { $each: newRowDays }, stockDays: { $each: newStockDays } }, $set: { lastStock: latest } },
          upsert: true,
        },
      });
    }

    const forward = events.every((e) => last === null || compareStockEvents(last, e) < 0);
    if (!forward) {
      // A movement older than the series' latest (a backfill, or a re-split batch): re-derive from stored movements.
      const stockKeys = keys.filter((k) => stockByKey.has(factId(k)));
      for (const k of [...stockKeys, ...keys.filter((k) => !stored.has(factId(k)))]) slow.set(factId(k), k);
      for (const k of carryForwardKeys(
        stockKeys,
        stockKeys.map((k) => ({ ...k, stockEvents: 1 })),
        new Map([[sid, recorded]]),
      )) {
        slow.set(factId(k), k);
        if (!changed.has(factId(k))) carried.set(factId(k), k);
      }
      continue;
    }
    const timeline = last ? [last, ...events.map(toLastStock)] : events.map(toLastStock);
    for (const key of keys) {
      const id = factId(key);
      const dayEvents = stockByKey.get(id);
      if (dayEvents) {
        if (last !== null && key.day === last.day) {
          // Later movements of the day that holds the latest one: extend the stored state.
          const row = stored.get(id);
          if (!row) slow.set(id, key);
          else
            states.set(id, {
              stockOut: row.stockOut || dayEvents.some(isOut),
              endOfDayOnHand: dayEvents.at(-1)!.onHandAfter,
              stockEvents: row.stockEvents + dayEvents.length,
            });
        } else states.set(id, deriveStockState(lastBeforeDay(timeline, key.day), dayEvents));
      } else if (!stored.has(id)) {
        // A new row without movements: its state comes from the last movement before it.
        if (last === null || key.day > last.day) states.set(id, deriveStockState(lastBeforeDay(timeline, key.day), []));
        else slow.set(id, key);
      }
    }
    if (events.length > 0) {
      // Carry-forward: existing later rows have no movement of their own (every stored one is at or before `last`).
      const firstNewDay = newStockDays.reduce((a, b) => (a < b ? a : b));
      for (const day of recorded.days) {
        if (day <= firstNewDay || newStockDays.includes(day)) continue;
        const key = { ...identity, day };
        const id = factId(key);
        states.set(id, deriveStockState(lastBeforeDay(timeline, day), []));
        if (!changed.has(id)) carried.set(id, key);
      }
    }
  }
  if (slow.size > 0) {
    for (const [id, state] of await loadStockStates(db, [...slow.values()], effectiveSeries, session)) states.set(id, state);
  }
  // Carried rows not read yet: their stored stock part decides whether they need a write.
  const unread = [...carried.keys()].filter((id) => !stored.has(id));
  if (unread.length > 0) for (const [id, row] of await loadStored(db, unread, session)) stored.set(id, row);

  const factWrites: AnyBulkWriteOperation<StoredDailyFact>[] = [];
  for (const key of [...changedKeys, ...carried.values()]) {
    const id = factId(key);
    const row = stored.get(id);
    const { totals: delta, revenueCents } = salesDelta(salesByKey.get(id) ?? [], counted);
    const state = states.get(id);
    if (!row) {
      if (carried.has(id)) continue; // the series listed a day whose row is gone: nothing to carry to
      const running = campaigns.some((c) => campaignCoversDay(c, key.tenantId, key.sku, key.day));
      factWrites.push({ insertOne: { document: buildFact(key, delta, state ?? deriveStockState(null, []), running) } });
      continue;
    }
    const inc: Record<string, number> = {};
    for (const field of ['quantityDemanded', 'quantitySold', 'quantityReturned', 'quantityUnfulfilled', 'orders'] as const)
      if (delta[field] !== 0) inc[field] = delta[field];
    const set: Partial<StoredDailyFact> = {};
    // Revenue is re-derived in whole cents from the value read in this transaction: `$inc` of floats would drift from the full sum.
    if (revenueCents !== 0) set.revenue = (toCents(row.revenue) + revenueCents) / 100;
    if (delta.campaignPriced && !row.campaignActive) set.campaignActive = true;
    if (state) {
      if (state.stockOut !== row.stockOut) set.stockOut = state.stockOut;
      if (state.endOfDayOnHand !== row.endOfDayOnHand) set.endOfDayOnHand = state.endOfDayOnHand;
      if (state.stockEvents !== row.stockEvents) set.stockEvents = state.stockEvents;
    }
    if (Object.keys(inc).length === 0 && Object.keys(set).length === 0) continue;
    const update: UpdateFilter<StoredDailyFact> = {};
    if (Object.keys(inc).length > 0) update.$inc = inc;
    if (Object.keys(set).length > 0) update.$set = set;
    factWrites.push({ updateOne: { filter: { _id: id }, update } });
  }
  if (factWrites.length > 0) await db.collection<StoredDailyFact>(FACT_COLLECTIONS.dailySalesFacts).bulkWrite(factWrites, { session });
  if (seriesWrites.length > 0) await db.collection<FactSeriesDoc>(FACT_COLLECTIONS.factSeries).bulkWrite(seriesWrites, { session });

  // Last, over the rows as just updated: a campaign change re-flags rows whole (rare; reads their raw events).
  const campaignTouches = campaignKeys.length > 0 ? await recomputeFacts(db, campaignKeys, session) : [];
  const eventKeys = [...sales, ...stock].map(factKeyOf);
  return mergeTouches([...featureTouches([...eventKeys, ...carried.values()]), ...campaignTouches]);
}

/** Earliest day per (tenant, SKU). */
function mergeTouches(touches: readonly FeatureTouch[]): FeatureTouch[] {
  const earliest = new Map<string, FeatureTouch>();
  for (const t of touches) {
    const id = `${t.tenantId}:${t.sku}`;
    const known = earliest.get(id);
    if (!known || t.fromDay < known.fromDay) earliest.set(id, t);
  }
  return [...earliest.values()];
}
