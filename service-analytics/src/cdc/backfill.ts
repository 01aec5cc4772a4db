import type { Db, Document, Timestamp } from 'mongodb';
import type { SourceChange, SourceCollection } from './cdc.types.js';
import type { BackfillProgress } from './checkpoint-store.js';
import { backfillChange } from './source-change.js';

/**
 * The order a backfill re-reads the source in: reference data first (the
 * pipeline mirrors products and campaigns that sales lines are enriched
 * with), then stock, then the sales orders, then the supply side (nothing
 * before it depends on it). Collections followed later are appended, so a
 * backfill an older version left unfinished reads them too when it
 * continues. Every SOURCE_COLLECTIONS member appears once (a unit test
 * checks it).
 */
export const BACKFILL_ORDER = [
  'products',
  'campaigns',
  'stockPositions',
  'stockMovements',
  'salesOrders',
  'suppliers',
  'productSuppliers',
  'locations',
  'purchaseOrders',
  'transferExecutions',
] as const satisfies readonly SourceCollection[];

export interface BackfillOptions {
  operational: Db;
  /** What to re-read, in BACKFILL_ORDER. Default: every source collection. */
  collections?: readonly SourceCollection[];
  /** Where the stream will start afterwards, captured before the first read; null when it resumes from the checkpoint's own position (see BackfillProgress). */
  startAtOperationTime: Timestamp | null;
  /** Continue an interrupted backfill from here (null: from the beginning). */
  resumeFrom: BackfillProgress | null;
  pageSize: number;
  batchSize: number;
  /** Apply a batch and checkpoint `progress` after it (only after it). */
  deliver(changes: SourceChange[], progress: BackfillProgress): Promise<void>;
  /** Checked between batches: stop() ends a backfill at a batch boundary. */
  aborted(): boolean;
}

/**
 * Re-read every document of every source collection (or of `collections`),
 * in `_id` order pages, and deliver each as a `replace` change. Returns false if aborted midway
 * (the checkpoint then says where to continue).
 *
 * @example
 *   await runBackfill({ operational, startAtOperationTime: t, resumeFrom: null, pageSize: 1000, batchSize: 500, deliver, aborted: () => false });
 */
export async function runBackfill(options: BackfillOptions): Promise<boolean> {
  const { operational, startAtOperationTime, resumeFrom, pageSize, batchSize } = options;
  const order = options.collections ?? BACKFILL_ORDER;
  const first = resumeFrom ? Math.max(0, order.indexOf(resumeFrom.collection)) : 0;
  for (let index = first; index < order.length; index++) {
    const collection = order[index]!;
    // `_id` keyset paging: each page costs the same however far in, and documents inserted meanwhile are either read or streamed.
    let afterId: unknown = index === first && resumeFrom ? resumeFrom.afterId : null;
    for (;;) {
      if (options.aborted()) return false;
      const filter: Document = afterId === null || afterId === undefined ? {} : { _id: { $gt: afterId } };
      const page = await operational.collection(collection).find(filter).sort({ _id: 1 }).limit(pageSize).toArray();
      for (let start = 0; start < page.length; start += batchSize) {
        if (options.aborted()) return false;
        const chunk = page.slice(start, start + batchSize);
        afterId = chunk[chunk.length - 1]!._id;
        await options.deliver(
          chunk.map((document) => backfillChange(collection, document)),
          { startAtOperationTime, collection, afterId },
        );
      }
      if (page.length < pageSize) break;
    }
  }
  return true;
}
