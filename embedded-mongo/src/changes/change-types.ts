import type { Document, Timestamp } from 'bson';

/**
 * The contract between the storage/transaction layer (which applies writes)
 * and the change-stream layer (which records and serves them).
 *
 * Storage calls `ChangeLog.append()` once per commit: a single write outside a
 * transaction is one commit; a whole transaction is one commit, so all its
 * events share one `clusterTime`, as on mongod.
 */
export type ChangeOperation = 'insert' | 'update' | 'replace' | 'delete' | 'drop' | 'dropDatabase' | 'rename' | 'invalidate';

export interface UpdateDescription {
  updatedFields: Document;
  removedFields: string[];
  truncatedArrays: Array<{ field: string; newSize: number }>;
}

/** One write as applied by storage, before it becomes a change event. */
export interface ChangeEntry {
  db: string;
  /** Collection name; absent for dropDatabase. */
  coll?: string;
  op: Exclude<ChangeOperation, 'invalidate'>;
  /** `{ _id }` of the written document (insert, update, replace, delete). */
  documentKey?: { _id: unknown };
  /** Post-image for insert and replace (and update, so `updateLookup` can be answered). */
  fullDocument?: Document;
  /** For update: which fields changed, as mongod derives them. */
  updateDescription?: UpdateDescription;
  /** For rename: the target namespace. */
  to?: { db: string; coll: string };
  /** Transaction identity, when the write was part of one. */
  lsid?: Document;
  txnNumber?: bigint;
}

/** What storage needs from the change log. */
export interface ChangeLog {
  /**
   * Record the entries of one commit, all under one new cluster time, and wake
   * any change-stream cursors waiting in `getMore`. Returns that cluster time.
   * Called synchronously right after the writes are visible.
   */
  append(entries: ChangeEntry[]): Timestamp;
}
