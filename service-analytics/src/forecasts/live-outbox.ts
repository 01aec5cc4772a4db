import type { ForecastUpdated, StoredLiveOutbox } from '@icc/shared';
import type { Db, OptionalId } from 'mongodb';
import { FORECAST_COLLECTIONS } from './forecast-collections.js';

/**
 * Announce new forecasts to the tenant's dashboards. The analytics service has
 * no sockets of its own: it appends the event to its `liveOutbox`, and the
 * operational service's live hub follows that collection with a change stream
 * and publishes each event to the tenant's `dashboard` room with its live
 * sequence number (service-operational/src/live/live.analytics-outbox.ts);
 * the document's shape is shared's `StoredLiveOutboxSchema`. Written
 * after the forecasts, so a client that reacts by reading them finds them.
 *
 * @example await announceForecasts(db, 'acme', { jobId, forecastDate, skus: 500, sample, medianMase: 0.81 })
 */
export async function announceForecasts(db: Db, tenantId: string, data: ForecastUpdated, now = new Date()): Promise<void> {
  await db
    .collection<OptionalId<StoredLiveOutbox>>(FORECAST_COLLECTIONS.liveOutbox)
    .insertOne({ tenantId, event: 'forecast:updated', room: 'dashboard', data, createdAt: now });
}
