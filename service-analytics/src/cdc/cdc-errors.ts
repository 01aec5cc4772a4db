import { MONGO_ERROR_CODES } from '@icc/shared';
import { MongoServerError } from 'mongodb';

/**
 * Server errors meaning "the stream cannot continue from the saved point":
 * 286 ChangeStreamHistoryLost (the oplog window moved past it), 260
 * InvalidResumeToken and 280 ChangeStreamFatalError (the token is unusable).
 * All three are answered the same way: re-read the source (backfill).
 */
export const RESUME_POINT_LOST_CODES: ReadonlySet<number> = new Set([
  MONGO_ERROR_CODES.ChangeStreamHistoryLost,
  MONGO_ERROR_CODES.InvalidResumeToken,
  MONGO_ERROR_CODES.ChangeStreamFatalError,
]);

/**
 * True when `error` says the saved resume point is gone.
 *
 * @example
 *   try { await stream.tryNext(); } catch (e) { if (isResumePointLost(e)) await backfill(); }
 */
export function isResumePointLost(error: unknown): boolean {
  return error instanceof MongoServerError && typeof error.code === 'number' && RESUME_POINT_LOST_CODES.has(error.code);
}

/** Thrown when the stream reports `invalidate` (the operational database was dropped): only a backfill can follow. */
export class StreamInvalidatedError extends Error {
  constructor() {
    super('change stream invalidated (operational database dropped or renamed)');
    this.name = 'StreamInvalidatedError';
  }
}

/** Thrown around a sink failure, so the loop can tell "pipeline broke" from "stream broke". */
export class SinkError extends Error {
  constructor(cause: unknown) {
    super(`sink failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'SinkError';
  }
}
