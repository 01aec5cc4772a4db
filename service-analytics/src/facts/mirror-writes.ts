import type { AnyBulkWriteOperation, Db, Document, Filter, UpdateFilter } from 'mongodb';
import type { z } from 'zod';
import type { SourceChange, SourceCollection } from '../cdc/cdc.types.js';
import { bulkWriteIgnoringDuplicates } from '../util/bulk-writes.js';
import { parseSource } from './source-documents.js';

/**
 * How every read model that mirrors one operational collection is written
 * (reference-mirror.ts, supply-mirror.ts): one row per source document,
 * newest version wins by the source's `updatedAt`, deletes remove the row.
 */

/** What every mirror row has: its key, the source document it mirrors, and that document's version. */
export interface MirrorRow {
  _id: string;
  sourceId: string;
  updatedAt: Date;
}

/**
 * Keep the newest version per target row, and note deletions. A change whose
 * `fullDocument` is null but is not a delete (the document was deleted before
 * the update was looked up) carries nothing: its delete follows in the stream.
 */
function collect<T extends MirrorRow>(changes: readonly SourceChange[], toRow: (doc: Document) => T | null): { rows: T[]; deleted: string[] } {
  const newest = new Map<string, T>();
  const deleted = new Set<string>();
  for (const change of changes) {
    if (change.operationType === 'delete') {
      deleted.add(String(change.documentKey._id));
      continue;
    }
    const row = change.fullDocument ? toRow(change.fullDocument) : null;
    if (!row) continue;
    const known = newest.get(row._id);
    if (!known || known.updatedAt <= row.updatedAt) newest.set(row._id, row);
  }
  // A source document deleted in this batch stays deleted (source order puts its delete after its writes).
  return { rows: [...newest.values()].filter((row) => !deleted.has(row.sourceId)), deleted: [...deleted] };
}

/**
 * Upsert `row` only over an older (or equal) version: when the stored row is
 * newer the filter misses, the upsert collides on `_id` and the duplicate is
 * ignored, so a re-delivered old change never overwrites a newer state.
 */
function guardedUpsert<T extends MirrorRow>(row: T): AnyBulkWriteOperation<T> {
  const { _id, ...fields } = row;
  // The driver's Filter/UpdateFilter generics cannot relate a generic `T`'s keys to these paths.
  const filter = { _id, updatedAt: { $lte: row.updatedAt } } as unknown as Filter<T>;
  const update = { $set: fields } as unknown as UpdateFilter<T>;
  return { updateOne: { filter, update, upsert: true } };
}

/**
 * Apply a batch's changes of one source collection to its mirror `name`:
 * idempotent, and safe against re-delivery of older versions.
 *
 * @example await mirror(analyticsDb, FACT_COLLECTIONS.productsMirror, ofCollection(changes, 'products'), productRow)
 */
export async function mirror<T extends MirrorRow>(db: Db, name: string, changes: readonly SourceChange[], toRow: (doc: Document) => T | null): Promise<void> {
  const { rows, deleted } = collect(changes, toRow);
  const collection = db.collection<T>(name);
  // Deletes first, by source id: a row re-created under the same natural key (a new source document) is then
  // written over no row at all, whatever the two versions' clocks say; the batch's deleted documents have no rows left.
  const deletes: AnyBulkWriteOperation<T>[] = deleted.map((sourceId) => ({ deleteOne: { filter: { sourceId } as unknown as Filter<T> } }));
  await bulkWriteIgnoringDuplicates(collection, deletes);
  await bulkWriteIgnoringDuplicates(collection, rows.map(guardedUpsert));
}

/**
 * A row builder for `mirror`: parse the document with `schema` (null when it
 * does not fit), then build the row from it and its source id.
 *
 * @example const productRow = rowOf(SourceProductSchema, (p, sourceId) => ({ ...p, _id: `${p.tenantId}:${p.sku}`, sourceId }))
 */
export function rowOf<S extends { _id: string }, T extends MirrorRow>(
  schema: z.ZodType<S>,
  build: (source: Omit<S, '_id'>, sourceId: string) => T,
): (doc: Document) => T | null {
  return (doc) => {
    const parsed = parseSource<S>(schema, doc);
    if (!parsed) return null;
    const { _id: sourceId, ...rest } = parsed;
    return build(rest, sourceId);
  };
}

/** The changes of one source collection, in batch order. */
export const ofCollection = (changes: readonly SourceChange[], collection: SourceCollection) => changes.filter((c) => c.collection === collection);
