import { LiveEventSchemas, LiveOutboxEventSchema, type LiveEventName, type Logger } from '@icc/shared';
import type { ChangeStream, ChangeStreamInsertDocument, Db, Document, ResumeToken } from 'mongodb';
import type { LivePublisher } from './live.types.js';

/** The analytics service's outbox collection (service-analytics/src/forecasts/live-outbox.ts). */
const OUTBOX = 'liveOutbox';
/** Wait before re-opening a failed stream. */
const REOPEN_MS = 1_000;

export interface AnalyticsOutboxFollower {
  /** Resolves once the stream is open on the server: events inserted from then on are published. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Publish the analytics service's live events (`forecast:updated`, later
 * alerts and recommendations) to the tenants' rooms. The analytics service
 * has no sockets: it appends events to its `liveOutbox` collection, and this
 * follows that collection with a change stream — so the event is numbered in
 * the tenant's one live sequence like every other. Reads the analytics
 * database, never writes it. Starts from now: a dashboard that connects
 * later reads the current state from the snapshot and the analytics API.
 * A stream that fails is re-opened after its last event (resume token).
 *
 * @example const follower = followAnalyticsOutbox({ analytics: client.db('icc_analytics'), live, log }); await follower.stop();
 */
export function followAnalyticsOutbox(options: { analytics: Db; live: LivePublisher; log: Logger }): AnalyticsOutboxFollower {
  const { analytics, live, log } = options;
  let stream: ChangeStream<Document, ChangeStreamInsertDocument> | null = null;
  // The driver types a resume token as `unknown` (undefined included): none until the first event.
  let resumeAfter: ResumeToken = undefined;
  let stopped = false;
  let opened: () => void = () => {};
  const ready = new Promise<void>((resolve) => (opened = resolve));

  const publish = (change: ChangeStreamInsertDocument) => {
    resumeAfter = change._id;
    const doc = change.fullDocument;
    const outbox = LiveOutboxEventSchema.safeParse(doc);
    const event = (outbox.success ? outbox.data.event : doc['event']) as LiveEventName;
    const parsed = outbox.success ? LiveEventSchemas[event]?.safeParse(outbox.data.data) : undefined;
    if (!outbox.success || !parsed?.success) {
      log.warn({ event, id: String(doc['_id']) }, 'analytics outbox event skipped: unknown event or malformed payload');
      return;
    }
    // The schema map pairs each name with its payload schema, so `parsed.data` is that event's payload.
    live.publish(outbox.data.tenantId, event, parsed.data);
  };

  const follow = async () => {
    while (!stopped) {
      stream = analytics
        .collection(OUTBOX)
        .watch<Document, ChangeStreamInsertDocument>([{ $match: { operationType: 'insert' } }], resumeAfter ? { resumeAfter } : {});
      try {
        // tryNext opens the cursor on the server: from here on, no inserted event is missed.
        const first = await stream.tryNext();
        opened();
        if (first) publish(first);
        while (!stopped) publish(await stream.next());
      } catch (error) {
        if (stopped) break;
        log.warn({ err: error }, 'analytics outbox stream failed; re-opening');
        await new Promise((resolve) => setTimeout(resolve, REOPEN_MS));
      } finally {
        await stream.close().catch(() => undefined);
      }
    }
  };

  const running = follow();
  return {
    ready,
    async stop() {
      stopped = true;
      await stream?.close().catch(() => undefined);
      await running;
    },
  };
}
