import { parseDayKey, type RawSalesEvent, type RawStockEvent } from '@icc/shared';
import { factId, toCents, type StoredDailyFact } from './fact-collections.js';
import type { FactKey } from './facts.types.js';

export const DAY_MS = 86_400_000;

/** What the fact derivation needs of a campaign (a row of the campaigns mirror). */
export interface CampaignWindow {
  tenantId: string;
  status: string;
  skus: readonly string[];
  startsAt: Date;
  endsAt: Date;
}

/**
 * A planned campaign covering `sku` whose [startsAt, endsAt) overlaps the UTC day.
 * @example campaignCoversDay({ tenantId: 't1', status: 'planned', skus: ['A'], startsAt: new Date('2026-03-01T12:00:00Z'), endsAt: new Date('2026-03-02T00:00:00Z') }, 't1', 'A', '2026-03-01') // true
 */
export function campaignCoversDay(campaign: CampaignWindow, tenantId: string, sku: string, day: string): boolean {
  if (campaign.tenantId !== tenantId || campaign.status !== 'planned' || !campaign.skus.includes(sku)) return false;
  const dayStart = parseDayKey(day).getTime();
  // A UTC day has no DST: always exactly 24 hours.
  const dayEnd = dayStart + DAY_MS;
  return campaign.startsAt.getTime() < dayEnd && campaign.endsAt.getTime() > dayStart;
}

/** The sales side of a fact: sums over the day's raw sales events of one key. */
export interface SalesTotals {
  quantityDemanded: number;
  quantitySold: number;
  quantityReturned: number;
  quantityUnfulfilled: number;
  revenue: number;
  orders: number;
  /** Some demanded line that day was priced by a campaign. */
  campaignPriced: boolean;
}

/** Sum a key's raw sales events. Pure. @example sumSales([demanded(3), fulfilled(3, 30)]).quantitySold // 3 */
export function sumSales(events: readonly Pick<RawSalesEvent, 'kind' | 'quantity' | 'revenue' | 'orderId' | 'campaignId'>[]): SalesTotals {
  const totals = { quantityDemanded: 0, quantitySold: 0, quantityReturned: 0, quantityUnfulfilled: 0, revenueCents: 0 };
  const orders = new Set<string>();
  let campaignPriced = false;
  for (const event of events) {
    totals.revenueCents += toCents(event.revenue);
    if (event.kind === 'demanded') {
      totals.quantityDemanded += event.quantity;
      orders.add(event.orderId);
      if (event.campaignId) campaignPriced = true;
    } else if (event.kind === 'fulfilled') totals.quantitySold += event.quantity;
    else if (event.kind === 'returned') totals.quantityReturned += event.quantity;
    else totals.quantityUnfulfilled += event.quantity;
  }
  const { revenueCents, ...quantities } = totals;
  return { ...quantities, revenue: revenueCents / 100, orders: orders.size, campaignPriced };
}

/** The stock side of a fact. */
export interface StockState {
  stockOut: boolean;
  endOfDayOnHand: number | null;
  stockEvents: number;
}

/**
 * Stock-out and end-of-day on hand of one day, from the last stock event before
 * the day (null when the SKU was never stocked there) and the day's own events
 * in `compareStockEvents` order. A day with no movement before it is not a
 * stock-out: the SKU was never stocked, and we record nothing rather than guess.
 *
 * @example deriveStockState({ availableAfter: 0, onHandAfter: 0 }, []) // { stockOut: true, endOfDayOnHand: 0, stockEvents: 0 }
 */
export function deriveStockState(
  lastBefore: Pick<RawStockEvent, 'onHandAfter' | 'availableAfter'> | null,
  dayEvents: readonly Pick<RawStockEvent, 'onHandAfter' | 'availableAfter'>[],
): StockState {
  const startedOut = lastBefore !== null && lastBefore.availableAfter <= 0;
  const last = dayEvents.at(-1) ?? lastBefore;
  return {
    stockOut: startedOut || dayEvents.some((e) => e.availableAfter <= 0),
    endOfDayOnHand: last ? last.onHandAfter : null,
    stockEvents: dayEvents.length,
  };
}

/**
 * The daily fact row of one key from its parts. Pure.
 * @example buildFact(key, sumSales(events), deriveStockState(null, []), false)._id // 't1:A:WH1:2026-03-01'
 */
export function buildFact(key: FactKey, sales: SalesTotals, stock: StockState, campaignRunning: boolean): StoredDailyFact {
  const { campaignPriced, ...totals } = sales;
  return {
    _id: factId(key),
    tenantId: key.tenantId,
    sku: key.sku,
    locationCode: key.locationCode,
    day: key.day,
    ...totals,
    campaignActive: campaignRunning || campaignPriced,
    stockOut: stock.stockOut,
    endOfDayOnHand: stock.endOfDayOnHand,
    stockEvents: stock.stockEvents,
  };
}
