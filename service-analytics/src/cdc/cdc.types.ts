import type { Document, Timestamp } from 'mongodb';

/** The operational collections analytics follows (read only, never written). */
export const SOURCE_COLLECTIONS = [
  'salesOrders',
  'stockMovements',
  'stockPositions',
  'products',
  'campaigns',
  'suppliers',
  'productSuppliers',
  'locations',
  'purchaseOrders',
  'transferExecutions',
] as const;
export type SourceCollection = (typeof SOURCE_COLLECTIONS)[number];

/**
 * One change of an operational document, as the pipeline consumes it — from
 * the change stream, or synthesised by a backfill that re-reads the source
 * (then `operationType` is `replace` and `clusterTime` null).
 */
export interface SourceChange {
  collection: SourceCollection;
  operationType: 'insert' | 'update' | 'replace' | 'delete';
  documentKey: { _id: unknown };
  /** The document as it is now (`updateLookup`), or null when deleted since. */
  fullDocument: Document | null;
  clusterTime: Timestamp | null;
}

/** Where a batch comes from: a backfill re-reading the source collection by collection, or the change stream. */
export interface BatchContext {
  phase: 'backfill' | 'stream';
}

/**
 * Where the consumer delivers changes. `apply` is called with batches in
 * source order and must be idempotent: after a crash the consumer resumes from
 * its last checkpoint, so a batch may be delivered again (in whole or in part),
 * and a backfill re-delivers everything. It must derive what it writes from
 * the documents, never count deliveries.
 *
 * `caughtUp`, when present, is called once a backfill has delivered its last
 * batch and whenever the stream runs dry, so work a sink holds back while a
 * backfill is read (see pipeline.ts: the feature worker) can start. It runs
 * before the consumer records the backfill as done; a throw is a failed batch
 * (retried). `signal` aborts when the consumer stops: work left then must be
 * findable by the next process (the pipeline's is in a durable queue).
 */
export interface ChangeSink {
  apply(changes: readonly SourceChange[], context?: BatchContext): Promise<void>;
  caughtUp?(signal: AbortSignal): Promise<void>;
}
