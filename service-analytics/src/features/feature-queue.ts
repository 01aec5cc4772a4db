import { ObjectId, type Db } from 'mongodb';
import type { FeatureTouch } from '../facts/facts.types.js';
import { FEATURE_QUEUE, type FeatureQueueEntry } from '../facts/feature-work.js';

// The feature side of the feature queue (facts/feature-work.ts writes it, in each facts
// transaction): rounds read and merge entries and remove the ones they did; forecast jobs ask
// whether older work is still queued.

/** Queued work as a round takes it: the entries read, and their touches merged per SKU. */
export interface QueuedFeatureWork {
  ids: ObjectId[];
  /** One per (tenant, SKU): its earliest queued day. */
  touches: FeatureTouch[];
}

/**
 * The oldest `limit` entries, merged while they stream in: memory grows with
 * the SKUs they name, not with the entries (a backfill queues one entry per
 * 500 changes, each naming most SKUs from their first day). Nothing is
 * removed here: see completeFeatureWork.
 *
 * @example const { ids, touches } = await readFeatureWork(db, 20_000); // touches: one per SKU
 */
export async function readFeatureWork(db: Db, limit: number): Promise<QueuedFeatureWork> {
  const ids: ObjectId[] = [];
  const earliest = new Map<string, FeatureTouch>();
  const cursor = db.collection<FeatureQueueEntry>(FEATURE_QUEUE).find({}, { sort: { _id: 1 }, limit, batchSize: 200 });
  for await (const entry of cursor) {
    ids.push(entry._id);
    for (const touch of entry.touches) {
      const key = `${touch.tenantId}\u0000${touch.sku}`;
      const known = earliest.get(key);
      if (!known || touch.fromDay < known.fromDay) earliest.set(key, { tenantId: touch.tenantId, sku: touch.sku, fromDay: touch.fromDay });
    }
  }
  return { ids, touches: [...earliest.values()] };
}

/** Remove the entries whose work is done (those a round read). Returns how many were removed. */
export async function completeFeatureWork(db: Db, ids: readonly ObjectId[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db.collection<FeatureQueueEntry>(FEATURE_QUEUE).deleteMany({ _id: { $in: [...ids] } });
  return result.deletedCount;
}

/**
 * Is feature work still queued from facts committed before `at`? A forecast
 * job asked for at `at` waits until not, so it reads every sale known when
 * it was asked for. Entry ids carry their creation second: entries of that
 * same second count as earlier (at worst a second's later work is waited for).
 */
export async function featureWorkQueuedBefore(db: Db, at: Date): Promise<boolean> {
  const bound = ObjectId.createFromTime(Math.floor(at.getTime() / 1000) + 1);
  return (await db.collection<FeatureQueueEntry>(FEATURE_QUEUE).findOne({ _id: { $lt: bound } }, { projection: { _id: 1 } })) !== null;
}

/** Entries waiting (for /metrics and tests). */
export async function featureQueueDepth(db: Db): Promise<number> {
  return db.collection(FEATURE_QUEUE).countDocuments();
}
