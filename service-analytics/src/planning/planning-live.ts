import type { RecommendationEvent, StoredRecommendation } from '@icc/shared';
import type { Db } from 'mongodb';
import { FORECAST_COLLECTIONS } from '../forecasts/forecast-collections.js';

export type RecommendationEventName = 'recommendation:created' | 'recommendation:updated';

/** An outbox document of a recommendation event (the hub checks `data` against shared's `RecommendationEventSchema`). */
interface RecommendationOutboxDocument {
  tenantId: string;
  event: RecommendationEventName;
  room: 'dashboard';
  data: RecommendationEvent;
  createdAt: Date;
}

/** The live payload of a recommendation: enough for a dashboard row; the rest is one GET away. */
export function recommendationEvent(recommendation: StoredRecommendation): RecommendationEvent {
  const { _id, sku, locationCode, type, status, priority, quantity, action } = recommendation;
  return { id: _id, sku, locationCode, type, status, priority, quantity, action };
}

/**
 * Tell the tenant's dashboards about new or changed recommendations, through
 * the live outbox the operational hub follows (see forecasts/live-outbox.ts).
 * Written after the recommendations, so a client that reacts by reading finds them.
 *
 * @example await announceRecommendations(db, [{ event: 'recommendation:updated', recommendation }], new Date())
 */
export async function announceRecommendations(
  db: Db,
  events: readonly { event: RecommendationEventName; recommendation: StoredRecommendation }[],
  now: Date,
): Promise<void> {
  if (events.length === 0) return;
  await db.collection<RecommendationOutboxDocument>(FORECAST_COLLECTIONS.liveOutbox).insertMany(
    events.map(({ event, recommendation }) => ({
      tenantId: recommendation.tenantId,
      event,
      room: 'dashboard',
      data: recommendationEvent(recommendation),
      createdAt: now,
    })),
    { ordered: false },
  );
}
