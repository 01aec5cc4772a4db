import type { ChangeStreamDocument, Document, Timestamp } from 'mongodb';
import { SOURCE_COLLECTIONS, type SourceChange, type SourceCollection } from './cdc.types.js';

const SOURCE_SET: ReadonlySet<string> = new Set(SOURCE_COLLECTIONS);
const DATA_OPERATIONS = ['insert', 'update', 'replace', 'delete'] as const;

/**
 * The stages after `$changeStream`: only data changes of the followed
 * collections. Filtering on the server keeps the rest of the operational
 * database (tenants, keys, idempotency records) off the wire.
 *
 * @example db.watch(sourcePipeline(), { fullDocument: 'updateLookup' })
 */
export function sourcePipeline(): Document[] {
  return [{ $match: { 'ns.coll': { $in: [...SOURCE_COLLECTIONS] }, operationType: { $in: [...DATA_OPERATIONS] } } }];
}

/** A change event with the time it happened, when the server says it (mongod ≥ 6 and embedded-mongo do). */
export interface TimedChange {
  change: SourceChange;
  /** Wall-clock time of the commit, else the cluster time's seconds. */
  eventTime: Date | null;
}

/**
 * Convert one change-stream event to the pipeline's shape, or null for events
 * the pipeline has no use for. An `invalidate` is not converted: the caller
 * must stop and backfill.
 *
 * @example
 *   toSourceChange(event)?.change // { collection: 'salesOrders', operationType: 'update', documentKey, fullDocument, clusterTime }
 */
export function toSourceChange(event: ChangeStreamDocument): TimedChange | null {
  if (event.operationType !== 'insert' && event.operationType !== 'update' && event.operationType !== 'replace' && event.operationType !== 'delete') {
    return null;
  }
  const collection = event.ns.coll;
  if (collection === undefined || !SOURCE_SET.has(collection)) return null;
  const fullDocument = event.operationType === 'delete' ? null : (event.fullDocument ?? null);
  const clusterTime: Timestamp | null = event.clusterTime ?? null;
  const wallTime = (event as { wallTime?: Date }).wallTime;
  return {
    change: {
      collection: collection as SourceCollection,
      operationType: event.operationType,
      documentKey: { _id: event.documentKey._id },
      fullDocument,
      clusterTime,
    },
    eventTime: wallTime instanceof Date ? wallTime : clusterTime ? new Date(clusterTime.getHighBitsUnsigned() * 1000) : null,
  };
}

/**
 * A document read by a backfill, as the change that would recreate it.
 *
 * @example backfillChange('products', { _id, sku: 'A-1', ... }) // operationType 'replace', clusterTime null
 */
export function backfillChange(collection: SourceCollection, document: Document): SourceChange {
  return { collection, operationType: 'replace', documentKey: { _id: document._id }, fullDocument: document, clusterTime: null };
}
