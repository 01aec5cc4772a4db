import type { Document } from 'bson';

/**
 * A server-side cursor as `find`, `aggregate` and change streams hand them to
 * the cursor registry. `getMore` calls `nextBatch`; `killCursors` calls `close`.
 */
export interface ServerCursor {
  /** Namespace reported in replies: `db.coll`, or `db.$cmd.aggregate` for db/cluster streams. */
  readonly ns: string;
  /**
   * The next batch of at most `batchSize` documents (all remaining when absent).
   * Tailable/awaitData cursors (change streams) may wait up to `maxTimeMS` for
   * new data and then return an empty batch; others return at once.
   */
  nextBatch(batchSize: number | undefined, maxTimeMS: number | undefined): Promise<Document[]>;
  /** Extra fields for the `cursor` sub-document of the reply, e.g. `postBatchResumeToken`. */
  replyFields?(): Document;
  /** True once no more documents can ever come; the registry then drops it and answers id 0. */
  readonly exhausted: boolean;
  close(): void;
}
