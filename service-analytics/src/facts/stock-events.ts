import { utcDayKey, type RawStockEvent } from '@icc/shared';
import type { SourceStockMovement } from './source-documents.js';

/**
 * The raw stock event of one ledger row (keyed by the row's id). Pure.
 *
 * @example
 *   deriveStockEvent({ _id: 'm1', tenantId: 't1', sku: 'A', locationCode: 'WH1', type: 'sale',
 *     balanceAfter: { onHand: 4, available: 2 }, at: new Date('2026-03-01T10:00:00Z') }, now)
 *   // { _id: 'm1', onHandAfter: 4, availableAfter: 2, day: '2026-03-01', … }
 */
export function deriveStockEvent(movement: SourceStockMovement, ingestedAt: Date): RawStockEvent {
  return {
    _id: movement._id,
    tenantId: movement.tenantId,
    sku: movement.sku,
    locationCode: movement.locationCode,
    type: movement.type,
    onHandAfter: movement.balanceAfter.onHand,
    availableAfter: movement.balanceAfter.available,
    eventTime: movement.at,
    day: utcDayKey(movement.at),
    ingestedAt,
  };
}

/**
 * Order of stock events: by time, ties (rows of one transaction share `at`) by
 * id, which for ledger ObjectIds is their insertion order. Both the incremental
 * and the full recomputation use this order, so "the last event" is one event.
 */
export function compareStockEvents(a: Pick<RawStockEvent, 'eventTime' | '_id'>, b: Pick<RawStockEvent, 'eventTime' | '_id'>): number {
  const byTime = a.eventTime.getTime() - b.eventTime.getTime();
  if (byTime !== 0) return byTime;
  return a._id < b._id ? -1 : a._id > b._id ? 1 : 0;
}
