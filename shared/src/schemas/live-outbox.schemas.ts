import { z } from 'zod';
import { ForecastUpdatedSchema } from './forecast.schemas.js';
import { StoredObjectIdSchema } from './stored-documents.schemas.js';

/**
 * The analytics `liveOutbox` collection: service-analytics appends live events
 * (it has no sockets), the operational live hub follows the collection with a
 * change stream and publishes each event in the tenant's live sequence.
 */

/**
 * What the hub needs of any outbox document: whose it is, which live event, and
 * its payload. The hub checks the payload against that event's own schema
 * (`LiveEventSchemas`), so new kinds of events need no change here.
 *
 * @example LiveOutboxEventSchema.safeParse(change.fullDocument) // { tenantId: 'acme', event: 'forecast:updated', data: {...} }
 */
export const LiveOutboxEventSchema = z.object({
  tenantId: z.string(),
  event: z.string(),
  data: z.unknown(),
});
export type LiveOutboxEvent = z.infer<typeof LiveOutboxEventSchema>;

/** An outbox document as analytics writes it today: a finished forecast job, for the tenant's dashboards. */
export const StoredLiveOutboxSchema = LiveOutboxEventSchema.extend({
  _id: StoredObjectIdSchema,
  event: z.literal('forecast:updated'),
  room: z.literal('dashboard'),
  data: ForecastUpdatedSchema,
  createdAt: z.date(),
});
export type StoredLiveOutbox = z.infer<typeof StoredLiveOutboxSchema>;
