import { MongoServerError } from 'mongodb';

/**
 * The MongoDB server error codes the product reacts to, by mongod's own names
 * (src/mongo/base/error_codes.yml). The driver keeps a table too
 * (`MONGODB_ERROR_CODES`), but it is internal to the driver and lacks most of
 * these, so the product keeps its own: domain code names the error, never the number.
 *
 * @example if (error.code === MONGO_ERROR_CODES.NamespaceExists) return; // the collection was already there
 */
export const MONGO_ERROR_CODES = {
  /** A collection or view of that name already exists. */
  NamespaceExists: 48,
  /** Another transaction wrote the document first; retried as a TransientTransactionError. */
  WriteConflict: 112,
  /** The resume token cannot be parsed or does not belong to this stream. */
  InvalidResumeToken: 260,
  /** The change stream cannot continue (e.g. the resume token's event is gone). */
  ChangeStreamFatalError: 280,
  /** The resume point fell out of the oplog (change history) window. */
  ChangeStreamHistoryLost: 286,
  /** A write would make a unique index hold a key twice. */
  DuplicateKey: 11000,
} as const;

export type MongoErrorName = keyof typeof MONGO_ERROR_CODES;

/**
 * True when `error` is a server error (a bulk write error included) with the named code.
 *
 * @example if (!isMongoServerError(error, 'DuplicateKey')) throw error;
 */
export function isMongoServerError(error: unknown, name: MongoErrorName): error is MongoServerError {
  return error instanceof MongoServerError && error.code === MONGO_ERROR_CODES[name];
}

/**
 * True when `error` is the server refusing a second document with the same unique key.
 *
 * @example try { await keys.insertOne(doc); } catch (error) { if (!isDuplicateKeyError(error)) throw error; }
 */
export function isDuplicateKeyError(error: unknown): error is MongoServerError {
  return isMongoServerError(error, 'DuplicateKey');
}
