import type { Collection, Db, ResumeToken, Timestamp } from 'mongodb';
import type { SourceCollection } from './cdc.types.js';

/** The analytics collection holding where the consumer is in the operational change stream. */
export const CHECKPOINT_COLLECTION = 'cdcCheckpoints';
/** One consumer per analytics database follows the operational database. */
export const CHECKPOINT_ID = 'operational';

/**
 * A change stream's resume token, as saved: any value but null (the driver types tokens
 * `unknown`; they are opaque, stored and handed back to `resumeAfter` as they came).
 */
export type SavedResumeToken = NonNullable<ResumeToken>;

/**
 * The source collections checkpoints covered before they said which: a
 * checkpoint without `collections` was written by a version that followed
 * only these.
 */
export const FOLLOWED_BEFORE_SUPPLY = [
  'salesOrders',
  'stockMovements',
  'stockPositions',
  'products',
  'campaigns',
] as const satisfies readonly SourceCollection[];

/**
 * Read models filled from a source collection that was followed before they
 * existed, and that collection. A checkpoint that does not list one in
 * `mirrors` has that collection re-read before the stream resumes, as a newly
 * followed collection is: the mirror then holds what exists, not only what
 * changed since the upgrade.
 */
export const SOURCE_MIRRORS = { backorders: 'salesOrders' } as const satisfies Record<string, SourceCollection>;
export type SourceMirror = keyof typeof SOURCE_MIRRORS;
export const ALL_MIRRORS = Object.keys(SOURCE_MIRRORS) as SourceMirror[];

/** A backfill that has not finished: where it reached, and where the stream must start after it. */
export interface BackfillProgress {
  /**
   * Cluster time captured before the re-read began; the stream starts here
   * afterwards. Null for the re-read of newly followed collections only: the
   * stream then resumes from the checkpoint's own `resumeToken` or
   * `startAtOperationTime`.
   */
  startAtOperationTime: Timestamp | null;
  /** The collection being re-read, and the last `_id` delivered in it (null: not started). */
  collection: SourceCollection;
  afterId: unknown;
}

/**
 * The saved position. One of the three says where to go on: `resumeToken`
 * (streaming), `startAtOperationTime` (a backfill just ended, nothing
 * streamed yet) or `backfill` (re-read in progress) — except while newly
 * followed collections are re-read: then `backfill` says how far, and the
 * token or time where the stream resumes afterwards.
 */
export interface CdcCheckpoint {
  _id: typeof CHECKPOINT_ID;
  operationalDb: string;
  resumeToken: SavedResumeToken | null;
  startAtOperationTime: Timestamp | null;
  backfill: BackfillProgress | null;
  /**
   * The source collections this position covers (backfilled or followed
   * since). Absent on checkpoints written before it existed:
   * FOLLOWED_BEFORE_SUPPLY. A followed collection missing here is re-read
   * before the stream resumes (see createCdcConsumer).
   */
  collections?: SourceCollection[];
  /** The read models of SOURCE_MIRRORS this position has filled (absent: none). */
  mirrors?: SourceMirror[] | null;
  eventsProcessed: number;
  /** Wall time of the newest source change applied (null until one was). */
  lastEventAt: Date | null;
  updatedAt: Date;
}

export type CheckpointPosition = Pick<CdcCheckpoint, 'resumeToken' | 'startAtOperationTime' | 'backfill' | 'mirrors'> & { collections: SourceCollection[] };

/**
 * Reads and writes the consumer's single checkpoint document.
 *
 * @example
 *   const store = checkpointStore(client.db('icc_analytics'), 'icc_operational');
 *   await store.save({ resumeToken: stream.resumeToken, startAtOperationTime: null, backfill: null, collections: [...SOURCE_COLLECTIONS] }, { eventsProcessed: 10, lastEventAt: new Date() });
 *   (await store.load())?.resumeToken;
 */
export function checkpointStore(analytics: Db, operationalDb: string) {
  const collection: Collection<CdcCheckpoint> = analytics.collection<CdcCheckpoint>(CHECKPOINT_COLLECTION);
  return {
    /** The checkpoint, or null when there is none for this operational database (first start). */
    async load(): Promise<CdcCheckpoint | null> {
      const found = await collection.findOne({ _id: CHECKPOINT_ID });
      // A checkpoint of another operational database says nothing about this one: start over.
      return found && found.operationalDb === operationalDb ? found : null;
    },
    /** Replace the checkpoint (majority write: a checkpoint that can roll back is worse than none). */
    async save(position: CheckpointPosition, counters: Pick<CdcCheckpoint, 'eventsProcessed' | 'lastEventAt'>): Promise<Date> {
      const updatedAt = new Date();
      await collection.replaceOne(
        { _id: CHECKPOINT_ID },
        { operationalDb, ...position, ...counters, updatedAt },
        { upsert: true, writeConcern: { w: 'majority' } },
      );
      return updatedAt;
    },
  };
}

export type CheckpointStore = ReturnType<typeof checkpointStore>;
