import type { DailySalesFact, RawSalesEvent, RawStockEvent } from '@icc/shared';
import type { FactKey } from './facts.types.js';

/**
 * Collections of the facts layer in the analytics database. One place names
 * them so the indexes, the writers and the readers cannot drift apart.
 */
export const FACT_COLLECTIONS = {
  rawSalesEvents: 'rawSalesEvents',
  rawStockEvents: 'rawStockEvents',
  dailySalesFacts: 'dailySalesFacts',
  /** Per (tenant, SKU, location): its fact days and stock days (see FactSeriesDoc). */
  factSeries: 'factSeries',
  productsMirror: 'productsMirror',
  campaignsMirror: 'campaignsMirror',
  /** Every SKU and period a campaign ever covered (union over its versions), so an edit or delete can find the fact rows it un-flags. */
  campaignCoverage: 'campaignCoverage',
  stockReadModel: 'stockReadModel',
  /** The supply side planning reads (supply-mirror.ts). */
  suppliersMirror: 'suppliersMirror',
  productSuppliersMirror: 'productSuppliersMirror',
  locationsMirror: 'locationsMirror',
  purchaseOrdersMirror: 'purchaseOrdersMirror',
  /** Back-ordered sales order lines, one row per order that has or had some (backorder-mirror.ts). */
  backordersMirror: 'backordersMirror',
  /** Outcomes of executed transfer requests (transfer-execution-mirror.ts). */
  transferExecutionsMirror: 'transferExecutionsMirror',
  /** The session the facts writer runs its transactions in (see record-facts.ts: a restart ends the previous one). */
  factsWriter: 'factsWriter',
} as const;

/**
 * A raw sales event as stored: the shared shape plus `factKey`, the id of the
 * daily-fact row it feeds. Reading a batch of fact keys is then one `$in` on an
 * indexed field (an equality lookup on every engine) instead of an `$or` of
 * per-series ranges.
 */
export interface StoredSalesEvent extends RawSalesEvent {
  factKey: string;
}

/** A raw stock event as stored, with the id of the fact row it feeds (see StoredSalesEvent). */
export interface StoredStockEvent extends RawStockEvent {
  factKey: string;
}

/**
 * A daily fact as stored. Besides the shared fields it keeps `tenantId` (every
 * stored row does) and `stockEvents`, the number of stock movements that day:
 * carry-forward stops at the next day that has its own movements.
 */
export interface StoredDailyFact extends DailySalesFact {
  _id: string;
  tenantId: string;
  stockEvents: number;
}

/**
 * One row per (tenant, SKU, location) that has facts: the days that have a
 * fact row, and those of them with stock movements. With it, "the last
 * movement before day d" and "the rows a movement carries forward to" are
 * answered for a whole batch from one `$in` read, instead of one indexed
 * lookup per series (a round trip each). Both lists only grow (rows and raw
 * events are never removed). Written in the same transaction as the raw
 * events and the rows (see recordFacts), so it never lags behind them.
 * Grows by one short string per active day (≈ 4 KB per series-year).
 */
export interface FactSeriesDoc {
  _id: string;
  tenantId: string;
  sku: string;
  locationCode: string;
  days: string[];
  stockDays: string[];
  /**
   * The series' latest stock movement (in `compareStockEvents` order), null
   * when it has none; absent on series written before it existed. A batch
   * whose movements all come after it (the usual forward flow) updates the
   * stock state of its rows from it and the stored rows, without reading any
   * raw stock event.
   */
  lastStock?: LastStock | null;
}

/** What the stock state of later days needs of a movement, plus its order key. */
export interface LastStock {
  _id: string;
  eventTime: Date;
  day: string;
  onHandAfter: number;
  availableAfter: number;
}

/**
 * The id of a daily-fact row (and the `factKey` of the raw events feeding it).
 * @example factId({ tenantId: 't1', sku: 'A-1', locationCode: 'WH1', day: '2026-03-01' }) // 't1:A-1:WH1:2026-03-01'
 */
export function factId(key: FactKey): string {
  return `${key.tenantId}:${key.sku}:${key.locationCode}:${key.day}`;
}

/**
 * The id of a (tenant, SKU, location) series.
 * @example seriesId({ tenantId: 't1', sku: 'A-1', locationCode: 'WH1' }) // 't1:A-1:WH1'
 */
export function seriesId(key: Pick<FactKey, 'tenantId' | 'sku' | 'locationCode'>): string {
  return `${key.tenantId}:${key.sku}:${key.locationCode}`;
}

/** The fact key of a raw event (or anything with the same four fields). */
export function factKeyOf(event: FactKey): FactKey {
  return { tenantId: event.tenantId, sku: event.sku, locationCode: event.locationCode, day: event.day };
}

/** Money is summed in whole cents so a sum does not depend on the order of its terms (incremental and full recomputation add in different orders). */
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}
