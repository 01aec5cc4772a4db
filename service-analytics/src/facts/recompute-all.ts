import { parseDayKey } from '@icc/shared';
import type { Db, Document } from 'mongodb';
import { FACT_COLLECTIONS, factId, seriesId, type StoredDailyFact, type StoredSalesEvent, type StoredStockEvent } from './fact-collections.js';
import { buildFact, campaignCoversDay, DAY_MS, type CampaignWindow, type SalesTotals } from './fact-derivation.js';
import type { FactKey } from './facts.types.js';

interface SalesGroup {
  _id: FactKey;
  quantityDemanded: number;
  quantitySold: number;
  quantityReturned: number;
  quantityUnfulfilled: number;
  revenueCents: number;
  orderIds: (string | null)[];
  campaignPricedLines: number;
}

const ofKind = (kind: string, value: unknown) => ({ $cond: [{ $eq: ['$kind', kind] }, value, 0] });

/** Sales totals per key in one aggregation (independent of the incremental path's summing). */
async function salesTotals(db: Db, match: Document): Promise<Map<string, { key: FactKey; totals: SalesTotals }>> {
  const groups = await db
    .collection<StoredSalesEvent>(FACT_COLLECTIONS.rawSalesEvents)
    .aggregate<SalesGroup>([
      { $match: match },
      {
        $group: {
          _id: { tenantId: '$tenantId', sku: '$sku', locationCode: '$locationCode', day: '$day' },
          quantityDemanded: { $sum: ofKind('demanded', '$quantity') },
          quantitySold: { $sum: ofKind('fulfilled', '$quantity') },
          quantityReturned: { $sum: ofKind('returned', '$quantity') },
          quantityUnfulfilled: { $sum: ofKind('unfulfilled', '$quantity') },
          revenueCents: { $sum: { $round: [{ $multiply: ['$revenue', 100] }, 0] } },
          orderIds: { $addToSet: { $cond: [{ $eq: ['$kind', 'demanded'] }, '$orderId', null] } },
          // A count, not a $max of booleans: both engines sum numbers the same way.
          campaignPricedLines: { $sum: { $cond: [{ $and: [{ $eq: ['$kind', 'demanded'] }, { $ne: [{ $ifNull: ['$campaignId', null] }, null] }] }, 1, 0] } },
        },
      },
    ])
    .toArray();
  const out = new Map<string, { key: FactKey; totals: SalesTotals }>();
  for (const g of groups) {
    out.set(factId(g._id), {
      key: g._id,
      totals: {
        quantityDemanded: g.quantityDemanded,
        quantitySold: g.quantitySold,
        quantityReturned: g.quantityReturned,
        quantityUnfulfilled: g.quantityUnfulfilled,
        revenue: g.revenueCents / 100,
        orders: g.orderIds.filter((id) => id !== null).length,
        campaignPriced: g.campaignPricedLines > 0,
      },
    });
  }
  return out;
}

const NO_SALES: SalesTotals = {
  quantityDemanded: 0,
  quantitySold: 0,
  quantityReturned: 0,
  quantityUnfulfilled: 0,
  revenue: 0,
  orders: 0,
  campaignPriced: false,
};

/**
 * The full recomputation: every fact row implied by the raw events (of one
 * tenant, or all), computed in one pass and returned sorted by `_id`, without
 * writing anything — tests and crash checks compare it with `dailySalesFacts`.
 * Sales totals come from one aggregation; stock state from a sweep over each
 * series' movements in time order (a different route from the incremental
 * path's per-day lookups, so the two check each other).
 *
 * @example expect(await db.collection('dailySalesFacts').find().sort({ _id: 1 }).toArray()).toEqual(await recomputeAllFacts(db))
 */
export async function recomputeAllFacts(db: Db, tenantId?: string): Promise<StoredDailyFact[]> {
  const match: Document = tenantId === undefined ? {} : { tenantId };
  const [sales, stockEvents, campaigns] = await Promise.all([
    salesTotals(db, match),
    db
      .collection<StoredStockEvent>(FACT_COLLECTIONS.rawStockEvents)
      .find(match, { projection: { ingestedAt: 0, type: 0 } })
      .sort({ tenantId: 1, sku: 1, locationCode: 1, eventTime: 1, _id: 1 })
      .toArray(),
    db
      .collection<CampaignWindow & Document>(FACT_COLLECTIONS.campaignsMirror)
      .find({ ...match, status: 'planned' })
      .toArray(),
  ]);

  // Days of every series: those with sales, those with movements.
  const series = new Map<string, { key: Omit<FactKey, 'day'>; days: Set<string>; stock: StoredStockEvent[] }>();
  const seriesOf = (k: Omit<FactKey, 'day'>) => {
    const id = seriesId(k);
    let entry = series.get(id);
    if (!entry) series.set(id, (entry = { key: { tenantId: k.tenantId, sku: k.sku, locationCode: k.locationCode }, days: new Set(), stock: [] }));
    return entry;
  };
  for (const { key } of sales.values()) seriesOf(key).days.add(key.day);
  for (const e of stockEvents) {
    const entry = seriesOf(e);
    entry.days.add(e.day);
    entry.stock.push(e);
  }

  const facts: StoredDailyFact[] = [];
  for (const { key, days, stock } of series.values()) {
    // Sweep: `i` walks the movements; `last` is the newest one before the current day.
    let i = 0;
    let last: StoredStockEvent | null = null;
    for (const day of [...days].sort()) {
      const start = parseDayKey(day).getTime();
      while (i < stock.length && (stock[i] as StoredStockEvent).eventTime.getTime() < start) last = stock[i++] as StoredStockEvent;
      const startedOut = last !== null && last.availableAfter <= 0;
      let outDuringDay = false;
      let count = 0;
      while (i < stock.length && (stock[i] as StoredStockEvent).eventTime.getTime() < start + DAY_MS) {
        last = stock[i++] as StoredStockEvent;
        count++;
        if (last.availableAfter <= 0) outDuringDay = true;
      }
      const factKey = { ...key, day };
      const running = campaigns.some((c) => campaignCoversDay(c, key.tenantId, key.sku, day));
      facts.push(
        buildFact(
          factKey,
          sales.get(factId(factKey))?.totals ?? NO_SALES,
          { stockOut: startedOut || outDuringDay, endOfDayOnHand: last?.onHandAfter ?? null, stockEvents: count },
          running,
        ),
      );
    }
  }
  return facts.sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
}
