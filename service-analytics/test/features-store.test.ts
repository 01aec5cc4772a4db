import { addUtcDays, eachUtcDay } from '@icc/shared';
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { FACT_COLLECTIONS } from '../src/facts/fact-collections.js';
import { DAILY_SALES_FACTS, type DailySalesFactDocument } from '../src/features/fact-reader.js';
import { FEATURE_HISTORY, historyDocument, type FeatureHistoryDoc } from '../src/features/feature-history.js';
import { FEATURES } from '../src/features/feature-indexes.js';
import { ensureFeatureIndexes } from '../src/features/feature-indexes.js';
import { recomputeFeatures, type FeatureDocument } from '../src/features/feature-store.js';
import './support/provided-context.js';

let client: MongoClient;
let db: Db;

beforeAll(async () => {
  client = await MongoClient.connect(inject('mongoUri'));
  db = client.db(`features_store_${process.pid}_${Math.random().toString(36).slice(2, 8)}`);
  await ensureFeatureIndexes(db);
});
afterAll(async () => {
  await db.dropDatabase();
  await client.close();
});
beforeEach(async () => {
  await db.collection(DAILY_SALES_FACTS).deleteMany({});
  await db.collection(FACT_COLLECTIONS.factSeries).deleteMany({});
  await db.collection(FEATURES).deleteMany({});
  await db.collection(FEATURE_HISTORY).deleteMany({});
});

const START = '2026-01-01';

function fact(
  tenantId: string,
  sku: string,
  locationCode: string,
  day: string,
  demanded: number,
  extra: Partial<DailySalesFactDocument> = {},
): DailySalesFactDocument {
  return {
    _id: `${tenantId}:${sku}:${locationCode}:${day}`,
    tenantId,
    sku,
    locationCode,
    day,
    quantityDemanded: demanded,
    quantitySold: demanded,
    quantityReturned: 0,
    quantityUnfulfilled: 0,
    revenue: demanded * 10,
    orders: demanded > 0 ? 1 : 0,
    campaignActive: false,
    stockOut: false,
    endOfDayOnHand: 100,
    ...extra,
  };
}

/** 40 days of SKU-1 at two locations: WH-1 sells i on day i (none on every 5th day: no fact), WH-2 sells 1 on even days. */
async function seedTwoLocations(tenantId = 'acme'): Promise<void> {
  const docs = eachUtcDay(START, addUtcDays(START, 39)).flatMap((day, i) => [
    ...(i % 5 === 0 ? [] : [fact(tenantId, 'SKU-1', 'WH-1', day, i)]),
    ...(i % 2 === 0 ? [fact(tenantId, 'SKU-1', 'WH-2', day, 1, { stockOut: i === 30, campaignActive: i >= 32 })] : []),
  ]);
  await db.collection<DailySalesFactDocument>(DAILY_SALES_FACTS).insertMany(docs);
}

/** Demand of day i in seedTwoLocations, summed over locations and zero-filled. */
const seededDemand = (i: number) => (i % 5 === 0 ? 0 : i) + (i % 2 === 0 ? 1 : 0);

/** The facts layer's per-series index of fact days, as recordFacts keeps it beside the rows. */
async function indexSeries(): Promise<void> {
  const facts = await db.collection<DailySalesFactDocument>(DAILY_SALES_FACTS).find().toArray();
  const series = new Map<string, { _id: string; tenantId: string; sku: string; locationCode: string; days: string[]; stockDays: string[] }>();
  for (const f of facts) {
    const id = `${f.tenantId}:${f.sku}:${f.locationCode}`;
    const doc = series.get(id) ?? { _id: id, tenantId: f.tenantId, sku: f.sku, locationCode: f.locationCode, days: [], stockDays: [] };
    doc.days.push(f.day);
    series.set(id, doc);
  }
  await db.collection(FACT_COLLECTIONS.factSeries).deleteMany({});
  if (series.size > 0) await db.collection(FACT_COLLECTIONS.factSeries).insertMany([...series.values()].map((d) => ({ ...d, days: d.days.sort() })) as never[]);
}

/** The compact history documents say exactly what the rows say, SKU by SKU (and exist for no SKU without rows). */
async function expectHistoriesMatchRows(): Promise<void> {
  const rows = await db.collection<FeatureDocument>(FEATURES).find().sort({ tenantId: 1, sku: 1, day: 1 }).toArray();
  const bySku = new Map<string, FeatureDocument[]>();
  for (const row of rows) bySku.set(`${row.tenantId}:${row.sku}`, [...(bySku.get(`${row.tenantId}:${row.sku}`) ?? []), row]);
  const expected = [...bySku.values()].map((list) => historyDocument(list[0]!.tenantId, list[0]!.sku, list));
  const histories = await db.collection<FeatureHistoryDoc>(FEATURE_HISTORY).find().sort({ _id: 1 }).toArray();
  expect(histories).toEqual(expected.sort((a, b) => (a._id < b._id ? -1 : 1)));
}

async function stored(tenantId = 'acme'): Promise<FeatureDocument[]> {
  return db.collection<FeatureDocument>(FEATURES).find({ tenantId }).sort({ day: 1 }).toArray();
}

describe('recomputeFeatures', () => {
  it('sums locations, zero-fills missing days and stores rows from 28 days of history on', async () => {
    await seedTwoLocations();
    const summary = await recomputeFeatures(db, [{ tenantId: 'acme', sku: 'SKU-1', fromDay: START }]);
    const rows = await stored();
    expect(summary).toMatchObject({ skus: 1, written: 12, deleted: 0 });
    expect(rows.map((r) => r.day)).toEqual(eachUtcDay(addUtcDays(START, 28), addUtcDays(START, 39)));

    const day30 = rows.find((r) => r.day === addUtcDays(START, 30))!;
    const mean = (from: number, to: number) => {
      let s = 0;
      for (let i = from; i < to; i += 1) s += seededDemand(i);
      return s / (to - from);
    };
    expect(day30).toEqual({
      _id: `acme:SKU-1:${addUtcDays(START, 30)}`,
      tenantId: 'acme',
      sku: 'SKU-1',
      day: '2026-01-31',
      demand: seededDemand(30), // WH-1 has no fact (30 % 5 = 0): 0 + 1
      sold: 1,
      lag1: seededDemand(29),
      lag7: seededDemand(23),
      lag14: seededDemand(16),
      rollingMean7: mean(23, 30),
      rollingMean28: mean(2, 30),
      trendIndex: mean(23, 30) / mean(16, 23),
      dayOfWeek: 6,
      campaignFlag: 0,
      holidayFlag: 0,
      stockOutFlag: 1, // WH-2 ran out: any location out flags the SKU-day
    });
    expect(rows.find((r) => r.day === addUtcDays(START, 32))).toMatchObject({ campaignFlag: 1, stockOutFlag: 0 });
    await expectHistoriesMatchRows();
  });

  it('is idempotent and an incremental recompute equals a full one', async () => {
    await seedTwoLocations();
    await recomputeFeatures(db, [{ tenantId: 'acme', sku: 'SKU-1', fromDay: START }]);
    const first = await stored();
    await recomputeFeatures(db, [{ tenantId: 'acme', sku: 'SKU-1', fromDay: START }]);
    expect(await stored()).toEqual(first);

    // A late order lands on day 33: only days ≥ 33 can change; the incremental path reads 28 days back.
    const day33 = addUtcDays(START, 33);
    await db.collection<DailySalesFactDocument>(DAILY_SALES_FACTS).updateOne({ _id: `acme:SKU-1:WH-1:${day33}` }, { $inc: { quantityDemanded: 50 } });
    await recomputeFeatures(db, [{ tenantId: 'acme', sku: 'SKU-1', fromDay: day33 }]);
    const incremental = await stored();
    expect(incremental.filter((r) => r.day < day33)).toEqual(first.filter((r) => r.day < day33));
    expect(incremental.find((r) => r.day === day33)!.demand).toBe(seededDemand(33) + 50);
    expect(incremental.find((r) => r.day === addUtcDays(START, 34))!.lag1).toBe(seededDemand(33) + 50);
    await expectHistoriesMatchRows(); // updated in place from day 33

    await db.collection(FEATURES).deleteMany({});
    await recomputeFeatures(db, [{ tenantId: 'acme', sku: 'SKU-1', fromDay: '2020-01-01' }]);
    expect(await stored()).toEqual(incremental);
  });

  it('fills the quiet days before a later sale as a full recompute does (no fact on days without sales)', async () => {
    await seedTwoLocations(); // facts on days 0–39
    await recomputeFeatures(db, [{ tenantId: 'acme', sku: 'SKU-1', fromDay: START }]);
    // nothing sells on days 40–44; a sale on day 45 arrives alone
    const day45 = addUtcDays(START, 45);
    await db.collection<DailySalesFactDocument>(DAILY_SALES_FACTS).insertOne(fact('acme', 'SKU-1', 'WH-1', day45, 7));
    await indexSeries();
    await recomputeFeatures(db, [{ tenantId: 'acme', sku: 'SKU-1', fromDay: day45 }]);
    const incremental = await stored();
    expect(incremental.filter((r) => r.day > addUtcDays(START, 39)).map((r) => [r.day, r.demand])).toEqual(
      [40, 41, 42, 43, 44, 45].map((i) => [addUtcDays(START, i), i === 45 ? 7 : 0]),
    );
    await expectHistoriesMatchRows(); // grown by the quiet days and the sale
    await db.collection(FEATURES).deleteMany({});
    await recomputeFeatures(db, [{ tenantId: 'acme', sku: 'SKU-1', fromDay: START }]);
    expect(await stored()).toEqual(incremental);

    // a SKU whose first sales were too few days for rows: its rows are due from 28 days after the first fact
    await db
      .collection<DailySalesFactDocument>(DAILY_SALES_FACTS)
      .insertMany([fact('acme', 'NEW', 'WH-1', START, 3), fact('acme', 'NEW', 'WH-1', addUtcDays(START, 35), 4)]);
    await indexSeries();
    await recomputeFeatures(db, [{ tenantId: 'acme', sku: 'NEW', fromDay: addUtcDays(START, 35) }]);
    const rowsOfNew = (await stored()).filter((r) => r.sku === 'NEW').map((r) => r.day);
    expect(rowsOfNew).toEqual(eachUtcDay(addUtcDays(START, 28), addUtcDays(START, 35)));
    await expectHistoriesMatchRows();
  });

  it('merges touches of the same SKU to the earliest day and keeps tenants apart', async () => {
    await seedTwoLocations('acme');
    await recomputeFeatures(db, [{ tenantId: 'acme', sku: 'SKU-1', fromDay: START }]);
    // A late order on day 31; touches for days 35 and 30 must merge to 30, so day 31's row changes.
    await db
      .collection<DailySalesFactDocument>(DAILY_SALES_FACTS)
      .updateOne({ _id: `acme:SKU-1:WH-1:${addUtcDays(START, 31)}` }, { $inc: { quantityDemanded: 50 } });
    // Another tenant with the same SKU and much bigger numbers must not leak into acme's rows.
    await db
      .collection<DailySalesFactDocument>(DAILY_SALES_FACTS)
      .insertMany(eachUtcDay(START, addUtcDays(START, 35)).map((day) => fact('globex', 'SKU-1', 'WH-1', day, 1000)));
    const summary = await recomputeFeatures(db, [
      { tenantId: 'acme', sku: 'SKU-1', fromDay: addUtcDays(START, 35) },
      { tenantId: 'acme', sku: 'SKU-1', fromDay: addUtcDays(START, 30) },
      { tenantId: 'globex', sku: 'SKU-1', fromDay: START },
    ]);
    expect(summary.skus).toBe(2);
    const acme = await stored('acme');
    expect(acme.map((r) => r.day)).toEqual(eachUtcDay(addUtcDays(START, 28), addUtcDays(START, 39)));
    expect(acme.find((r) => r.day === addUtcDays(START, 31))!.demand).toBe(seededDemand(31) + 50);
    expect(Math.max(...acme.map((r) => r.rollingMean28))).toBeLessThan(100);
    const globex = await stored('globex');
    expect(globex).toHaveLength(8);
    expect(globex.every((r) => r.demand === 1000 && r.lag14 === 1000 && r.trendIndex === 1)).toBe(true);
    await expectHistoriesMatchRows();
  });

  it('deletes rows the facts no longer support and ignores SKUs without history', async () => {
    await seedTwoLocations();
    await recomputeFeatures(db, [{ tenantId: 'acme', sku: 'SKU-1', fromDay: START }]);
    // Facts after day 35 disappear (e.g. recomputed to nothing): their feature rows must go too.
    await db.collection(DAILY_SALES_FACTS).deleteMany({ day: { $gt: addUtcDays(START, 35) } });
    const summary = await recomputeFeatures(db, [
      { tenantId: 'acme', sku: 'SKU-1', fromDay: addUtcDays(START, 30) },
      { tenantId: 'acme', sku: 'NO-SUCH', fromDay: START },
    ]);
    // Day 35 has no fact at either location, so the SKU's history now ends at day 34: rows 35..39 go.
    expect(summary.deleted).toBe(5);
    expect((await stored()).map((r) => r.day).at(-1)).toBe(addUtcDays(START, 34));
    await expectHistoriesMatchRows(); // cut back to day 34

    await db.collection(DAILY_SALES_FACTS).deleteMany({});
    await recomputeFeatures(db, [{ tenantId: 'acme', sku: 'SKU-1', fromDay: addUtcDays(START, 31) }]);
    expect((await stored()).map((r) => r.day)).toEqual(eachUtcDay(addUtcDays(START, 28), addUtcDays(START, 30)));
    await expectHistoriesMatchRows(); // cut back to day 30

    await recomputeFeatures(db, [{ tenantId: 'acme', sku: 'SKU-1', fromDay: START }]);
    expect(await stored()).toEqual([]);
    expect(await db.collection(FEATURE_HISTORY).countDocuments()).toBe(0); // no rows left: no history document
  });

  it('writes nothing for a SKU with under 28 days of history, and accepts an empty batch', async () => {
    await db
      .collection<DailySalesFactDocument>(DAILY_SALES_FACTS)
      .insertMany(eachUtcDay(START, addUtcDays(START, 27)).map((day) => fact('acme', 'NEW-1', 'WH-1', day, 3)));
    expect(await recomputeFeatures(db, [{ tenantId: 'acme', sku: 'NEW-1', fromDay: START }])).toEqual({ skus: 1, written: 0, deleted: 0 });
    expect(await recomputeFeatures(db, [])).toEqual({ skus: 0, written: 0, deleted: 0 });
    await expect(recomputeFeatures(db, [{ tenantId: 'acme', sku: 'NEW-1', fromDay: '2026-13-01' }])).rejects.toThrow(RangeError);
  });
});

describe('ensureFeatureIndexes', () => {
  it('creates the unique tenant/SKU/day index and can run again', async () => {
    await ensureFeatureIndexes(db);
    const indexes = await db.collection(FEATURES).indexes();
    expect(indexes.find((i) => i.name === 'tenant_sku_day')).toMatchObject({ key: { tenantId: 1, sku: 1, day: 1 }, unique: true });
  });
});
