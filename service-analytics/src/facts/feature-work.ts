import { ObjectId, type ClientSession, type Db } from 'mongodb';
import type { FeatureTouch } from './facts.types.js';

/**
 * The durable queue of feature work, written by the facts stage. Each facts
 * transaction inserts one entry with the (tenant, SKU, earliest day) it
 * touched (recordFacts), so a committed fact can never lose its feature work,
 * whatever dies when; the feature worker (features/feature-queue.ts,
 * features/feature-worker.ts) drains the queue off the CDC consumer's critical
 * path, merging many entries into one recomputation per SKU.
 *
 * One insert per batch rather than an upsert per SKU: entries are immutable,
 * so the worker deletes exactly the ones it read and work queued while it
 * computed stays queued. On a 500-change catch-up batch touching 200 SKUs
 * that is one new document instead of 200 read-modify-writes in the
 * transaction.
 */
export const FEATURE_QUEUE = 'featureQueue';

export interface FeatureQueueEntry {
  _id: ObjectId;
  touches: FeatureTouch[];
  queuedAt: Date;
}

/**
 * Inside the facts transaction: queue the batch's touches (already merged
 * per SKU to its earliest day by recordFacts).
 *
 * @example await enqueueFeatureWork(db, session, [{ tenantId: 'acme', sku: 'SKU-1', fromDay: '2026-03-01' }])
 */
export async function enqueueFeatureWork(db: Db, session: ClientSession, touches: readonly FeatureTouch[]): Promise<void> {
  if (touches.length === 0) return;
  await db.collection<FeatureQueueEntry>(FEATURE_QUEUE).insertOne({ _id: new ObjectId(), touches: [...touches], queuedAt: new Date() }, { session });
}
