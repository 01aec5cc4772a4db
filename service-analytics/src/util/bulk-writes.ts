import { MONGO_ERROR_CODES } from '@icc/shared';
import { MongoBulkWriteError, type AnyBulkWriteOperation, type ClientSession, type Collection, type Document } from 'mongodb';

/** The bulk failed only because some rows already existed (no other write error, no write-concern error). */
function onlyDuplicates(error: unknown): boolean {
  if (!(error instanceof MongoBulkWriteError) || error.err) return false;
  // One WriteError or a list of them (the driver's OneOrMore).
  const errors = [error.writeErrors].flat();
  return errors.length > 0 && errors.every((e) => e.code === MONGO_ERROR_CODES.DuplicateKey);
}

/**
 * Run unordered writes, treating duplicate-key errors as "already there": for
 * writers that key each row by its identity (facts by source identity, the
 * latest-forecast pointers by SKU), a duplicate is a re-delivery or a guarded
 * upsert that lost to a newer version, never a conflict. Any other error is
 * rethrown.
 *
 * @example await bulkWriteIgnoringDuplicates(db.collection('stockReadModel'), [{ updateOne: { filter, update, upsert: true } }])
 */
export async function bulkWriteIgnoringDuplicates<T extends Document>(
  collection: Collection<T>,
  operations: AnyBulkWriteOperation<T>[],
  session?: ClientSession,
): Promise<void> {
  if (operations.length === 0) return;
  try {
    await collection.bulkWrite(operations, { ordered: false, session });
  } catch (error) {
    if (!onlyDuplicates(error)) throw error;
  }
}
