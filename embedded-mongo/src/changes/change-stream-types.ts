import type { Document, Timestamp } from 'bson';
import type { ServerCursor } from '../cursors/cursor-types.js';
import type { ChangeLog } from './change-types.js';

/** How the change-stream layer reads current documents (for `fullDocument: 'updateLookup'`). */
export interface DocumentLookup {
  findById(db: string, coll: string, id: unknown): Document | null;
}

/** An `aggregate` whose first stage is `$changeStream`, as the command layer parsed it. */
export interface ChangeStreamRequest {
  db: string;
  /** Watched collection; absent for a database-wide or cluster-wide stream. */
  coll?: string;
  /** The `$changeStream` stage's options (`fullDocument`, `resumeAfter`, `startAfter`, `startAtOperationTime`, `allChangesForCluster`, ...). */
  spec: Document;
  /** The stages after `$changeStream` ($match, $project, ...), applied to each event. */
  pipeline: Document[];
}

/**
 * The change-stream layer as the rest of the engine sees it: storage appends
 * committed writes through `ChangeLog`, the command layer opens cursors.
 */
export interface ChangeStreams extends ChangeLog {
  /** Validate the request (unknown resume token, history lost → CommandError) and open a cursor. */
  open(request: ChangeStreamRequest): ServerCursor;
  /** The oldest cluster time still in history, for diagnostics. */
  oldestTime(): Timestamp | null;
}
