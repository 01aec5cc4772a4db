import { MongoBulkWriteError, type AnyBulkWriteOperation, type Collection, type Document } from 'mongodb';

const DUPLICATE_KEY = 11000;

/** The bulk failed only because some rows already existed (no other write error, no write-concern error). */
function onlyDuplicates(error: unknown): boolean {
  if (!(error instanceof MongoBulkWriteError) || error.err) return false;
  const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  return errors.length > 0 && errors.every((e) => e.code === DUPLICATE_KEY);
}

/**
 * Run unordered writes, treating duplicate-key errors as "already there": the
 * facts layer writes each row under its source identity, so a duplicate is a
 * re-delivery (or a guarded upsert that lost to a newer version), never a
 * conflict. Any other error is rethrown.
 *
 * @example await bulkWriteIgnoringDuplicates(db.collection('stockReadModel'), [{ updateOne: { filter, update, upsert: true } }])
 */
export async function bulkWriteIgnoringDuplicates<T extends Document>(collection: Collection<T>, operations: AnyBulkWriteOperation<T>[]): Promise<void> {
  if (operations.length === 0) return;
  try {
    await collection.bulkWrite(operations, { ordered: false });
  } catch (error) {
    if (!onlyDuplicates(error)) throw error;
  }
}

/**
 * Insert immutable rows, ignoring the ones that exist (`insertMany`, unordered).
 * @example await insertIgnoringDuplicates(db.collection('rawStockEvents'), rows)
 */
export async function insertIgnoringDuplicates<T extends Document>(collection: Collection<T>, rows: readonly T[]): Promise<void> {
  if (rows.length === 0) return;
  try {
    // The driver types the input as OptionalUnlessRequiredId<T>; our rows always carry their _id.
    await collection.insertMany(rows as Parameters<Collection<T>['insertMany']>[0], { ordered: false });
  } catch (error) {
    if (!onlyDuplicates(error)) throw error;
  }
}
