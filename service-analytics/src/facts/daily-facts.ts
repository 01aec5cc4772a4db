import type { AnyBulkWriteOperation, ClientSession, Db } from 'mongodb';
import { bulkWriteIgnoringDuplicates } from '../util/bulk-writes.js';
import { carryForwardKeys } from './carry-forward.js';
import { FACT_COLLECTIONS, factId, seriesId, type FactSeriesDoc, type StoredDailyFact } from './fact-collections.js';
import { buildFact, campaignCoversDay, deriveStockState, sumSales } from './fact-derivation.js';
import { loadFactInputs, type FactInputs } from './fact-inputs.js';
import type { FactKey, FeatureTouch } from './facts.types.js';

/**
 * The facts of `keys` from their inputs. A key with no raw event at all gets
 * no row: rows exist exactly for the days that have events, as in the full
 * recomputation (the features step fills the days between).
 */
export function deriveFacts(keys: readonly FactKey[], inputs: FactInputs): StoredDailyFact[] {
  const facts: StoredDailyFact[] = [];
  for (const key of keys) {
    const id = factId(key);
    const sales = inputs.salesByKey.get(id) ?? [];
    const stock = inputs.stockByKey.get(id) ?? [];
    if (sales.length === 0 && stock.length === 0) continue;
    const campaignRunning = inputs.campaigns.some((c) => campaignCoversDay(c, key.tenantId, key.sku, key.day));
    facts.push(buildFact(key, sumSales(sales), deriveStockState(inputs.lastBeforeByKey.get(id) ?? null, stock), campaignRunning));
  }
  return facts;
}

/** Same values in every field (rows are flat: numbers, strings, booleans, null). */
export function sameFact(a: StoredDailyFact, b: StoredDailyFact | undefined): boolean {
  if (!b) return false;
  const keys = Object.keys(a) as (keyof StoredDailyFact)[];
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/**
 * Replace each changed row whole (upsert), and add new days to their series:
 * both idempotent. Rows and series that would not change are not written —
 * re-delivered batches and the older days every order change re-emits cost a
 * read, not a write.
 */
async function writeFacts(db: Db, facts: readonly StoredDailyFact[], inputs: FactInputs, session?: ClientSession): Promise<void> {
  const bySeries = new Map<string, FactSeriesDoc>();
  for (const f of facts) {
    const recorded = inputs.series.get(seriesId(f));
    if (recorded && recorded.days.includes(f.day) && (f.stockEvents === 0 || recorded.stockDays.includes(f.day))) continue;
    const id = seriesId(f);
    let entry = bySeries.get(id);
    if (!entry) bySeries.set(id, (entry = { _id: id, tenantId: f.tenantId, sku: f.sku, locationCode: f.locationCode, days: [], stockDays: [] }));
    entry.days.push(f.day);
    if (f.stockEvents > 0) entry.stockDays.push(f.day);
  }
  // One operation per series, so no two upserts of one batch race for the same new document.
  const series: AnyBulkWriteOperation<FactSeriesDoc>[] = [...bySeries.values()].map(({ _id, days, stockDays, ...identity }) => ({
    updateOne: { filter: { _id }, update: { $setOnInsert: identity, $addToSet: { days: { $each: days }, stockDays: { $each: stockDays } } }, upsert: true },
  }));
  // In turn, not together: inside a transaction a session's operations must not overlap.
  await bulkWriteIgnoringDuplicates(
    db.collection<StoredDailyFact>(FACT_COLLECTIONS.dailySalesFacts),
    facts.filter((f) => !sameFact(f, inputs.stored.get(f._id))).map((f) => ({ replaceOne: { filter: { _id: f._id }, replacement: f, upsert: true } })),
    session,
  );
  await bulkWriteIgnoringDuplicates(db.collection<FactSeriesDoc>(FACT_COLLECTIONS.factSeries), series, session);
}

async function recompute(db: Db, keys: readonly FactKey[], session?: ClientSession): Promise<{ facts: StoredDailyFact[]; inputs: FactInputs }> {
  const inputs = await loadFactInputs(db, keys, session);
  const facts = deriveFacts(keys, inputs);
  await writeFacts(db, facts, inputs, session);
  return { facts, inputs };
}

/** Earliest touched day per (tenant, SKU): features reach forward from there. */
export function featureTouches(keys: readonly FactKey[]): FeatureTouch[] {
  const earliest = new Map<string, FeatureTouch>();
  for (const k of keys) {
    const id = `${k.tenantId}:${k.sku}`;
    const known = earliest.get(id);
    if (!known || k.day < known.fromDay) earliest.set(id, { tenantId: k.tenantId, sku: k.sku, fromDay: k.day });
  }
  return [...earliest.values()];
}

/**
 * Recompute the daily facts of the given keys whole, from raw events only
 * (plus the campaigns mirror), replacing each row (rows that come out
 * unchanged are not written): calling it twice, or with keys whose events did
 * not change, leaves the same rows. The batch path (recordFacts) adds new
 * events to rows incrementally and uses this only for the rows a campaign
 * change may re-flag; it is also the repair tool for rows of any key.
 *
 * Carry-forward: a stock event on day d also decides stockOut (day-start
 * stock) and endOfDayOnHand of the later days that have no movement of their
 * own, up to and including the next day with movements. We recompute those
 * only where fact rows already exist (a second pass, see carryForwardKeys);
 * days without any row get none — the features step fills them.
 *
 * With `session` every read and write runs in it (in turn), so it can be part
 * of the caller's transaction. Returns, per (tenant, SKU), the earliest day
 * touched (every key given, changed or not).
 *
 * @example const touches = await recomputeFacts(db, [{ tenantId: 't1', sku: 'A', locationCode: 'WH1', day: '2026-03-01' }]);
 */
export async function recomputeFacts(db: Db, keys: readonly FactKey[], session?: ClientSession): Promise<FeatureTouch[]> {
  const unique = [...new Map(keys.map((k) => [factId(k), k] as const)).values()];
  if (unique.length === 0) return [];
  const { facts, inputs } = await recompute(db, unique, session);
  const carried = carryForwardKeys(unique, facts, inputs.series);
  if (carried.length > 0) await recompute(db, carried, session);
  return featureTouches([...unique, ...carried]);
}
