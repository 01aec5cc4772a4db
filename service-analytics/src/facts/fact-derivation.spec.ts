import { describe, expect, it } from 'vitest';
import { laterRowsReached } from './carry-forward.js';
import { buildFact, campaignCoversDay, deriveStockState, sumSales } from './fact-derivation.js';

const ev = (kind: 'demanded' | 'fulfilled' | 'unfulfilled' | 'returned', quantity: number, revenue = 0, orderId = 'o1', campaignId: string | null = null) => ({
  kind,
  quantity,
  revenue,
  orderId,
  campaignId,
});

describe('sumSales', () => {
  it('sums each kind, nets revenue of returns and counts distinct ordering orders', () => {
    expect(
      sumSales([
        ev('demanded', 3, 0, 'o1'),
        ev('demanded', 2, 0, 'o1'),
        ev('demanded', 1, 0, 'o2'),
        ev('fulfilled', 5, 0.1 + 0.2),
        ev('fulfilled', 1, 0.7),
        ev('returned', 2, -0.3, 'o3'),
        ev('unfulfilled', 1),
      ]),
    ).toEqual({ quantityDemanded: 6, quantitySold: 6, quantityReturned: 2, quantityUnfulfilled: 1, revenue: 0.7, orders: 2, campaignPriced: false });
  });

  it('flags campaign pricing only from demanded events', () => {
    expect(sumSales([ev('demanded', 1, 0, 'o1', 'c1')]).campaignPriced).toBe(true);
    expect(sumSales([ev('returned', 1, 0, 'o1', 'c1')]).campaignPriced).toBe(false);
  });
});

describe('deriveStockState', () => {
  const s = (onHandAfter: number, availableAfter = onHandAfter) => ({ onHandAfter, availableAfter });
  it('never stocked: no stock-out, no on hand', () => {
    expect(deriveStockState(null, [])).toEqual({ stockOut: false, endOfDayOnHand: null, stockEvents: 0 });
  });
  it('a day that starts at zero available is a stock-out even if refilled', () => {
    expect(deriveStockState(s(0), [s(10)])).toEqual({ stockOut: true, endOfDayOnHand: 10, stockEvents: 1 });
  });
  it('a day that touches zero available is a stock-out; on hand at the end is the last movement', () => {
    expect(deriveStockState(s(5), [s(5, 0), s(20, 15)])).toEqual({ stockOut: true, endOfDayOnHand: 20, stockEvents: 2 });
  });
  it('reserved stock counts: on hand 4, available 0 is out', () => {
    expect(deriveStockState(s(4, 0), [])).toEqual({ stockOut: true, endOfDayOnHand: 4, stockEvents: 0 });
  });
  it('carries the last state into a quiet day', () => {
    expect(deriveStockState(s(7), [])).toEqual({ stockOut: false, endOfDayOnHand: 7, stockEvents: 0 });
  });
});

describe('campaignCoversDay', () => {
  const c = { tenantId: 't1', status: 'planned', skus: ['A'], startsAt: new Date('2026-03-01T12:00:00Z'), endsAt: new Date('2026-03-03T00:00:00Z') };
  it('covers the days its [start, end) overlaps, for its SKUs and tenant only', () => {
    expect(campaignCoversDay(c, 't1', 'A', '2026-02-28')).toBe(false);
    expect(campaignCoversDay(c, 't1', 'A', '2026-03-01')).toBe(true);
    expect(campaignCoversDay(c, 't1', 'A', '2026-03-02')).toBe(true);
    expect(campaignCoversDay(c, 't1', 'A', '2026-03-03')).toBe(false);
    expect(campaignCoversDay(c, 't1', 'B', '2026-03-02')).toBe(false);
    expect(campaignCoversDay(c, 't2', 'A', '2026-03-02')).toBe(false);
    expect(campaignCoversDay({ ...c, status: 'cancelled' }, 't1', 'A', '2026-03-02')).toBe(false);
  });
});

describe('buildFact', () => {
  it('assembles the row under its key id', () => {
    const key = { tenantId: 't1', sku: 'A', locationCode: 'WH1', day: '2026-03-01' };
    expect(buildFact(key, sumSales([ev('demanded', 2, 0, 'o1', 'c9')]), deriveStockState(null, []), false)).toEqual({
      _id: 't1:A:WH1:2026-03-01',
      tenantId: 't1',
      sku: 'A',
      locationCode: 'WH1',
      day: '2026-03-01',
      quantityDemanded: 2,
      quantitySold: 0,
      quantityReturned: 0,
      quantityUnfulfilled: 0,
      revenue: 0,
      orders: 1,
      campaignActive: true,
      stockOut: false,
      endOfDayOnHand: null,
      stockEvents: 0,
    });
  });
});

describe('laterRowsReached', () => {
  it('reaches quiet rows and the next row with movements, then stops', () => {
    expect(
      laterRowsReached(
        ['2026-03-01'],
        [
          { day: '2026-03-03', stockEvents: 0 },
          { day: '2026-03-05', stockEvents: 2 },
          { day: '2026-03-07', stockEvents: 0 },
        ],
      ),
    ).toEqual(['2026-03-03', '2026-03-05']);
  });
  it('a later touched stock day restarts the reach', () => {
    expect(
      laterRowsReached(
        ['2026-03-01', '2026-03-06'],
        [
          { day: '2026-03-02', stockEvents: 1 },
          { day: '2026-03-04', stockEvents: 0 },
          { day: '2026-03-06', stockEvents: 1 },
          { day: '2026-03-08', stockEvents: 0 },
        ],
      ),
    ).toEqual(['2026-03-02', '2026-03-08']);
  });
});
