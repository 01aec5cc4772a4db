import { calculateObjectSize, type Document } from 'bson';
import type { LogicalClock } from '../clock.js';
import type { ServerCursor } from '../cursors/cursor-types.js';
import type { ChangeHistory, StoredEvent } from './change-history.js';
import type { DocumentLookup } from './change-stream-types.js';
import { buildEvent, buildInvalidate } from './event-document.js';
import { classify, type StreamScope } from './event-filter.js';
import type { EventPipeline } from './event-pipeline.js';
import { highWaterMarkKey, invalidateKeyOf, nextTimestamp, tokenDocument } from './resume-token.js';
import { historyLostError, type StartState } from './start-position.js';
import type { StreamSpec } from './stream-spec.js';

/** mongod's wait for an awaitData getMore without maxTimeMS. */
const DEFAULT_AWAIT_MS = 1000;
/** Events per batch when the client gives no batchSize (mongod is bounded only by 16 MiB). */
const DEFAULT_BATCH_SIZE = 1000;
/** mongod's reply budget: a batch stops growing once it holds this many bytes. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;

/** Everything a cursor reads from its change-stream layer. */
export interface CursorContext {
  readonly history: ChangeHistory;
  /** The time of the newest event readers may see (`LogicalClock`, or a durable engine's published time). */
  readonly clock: Pick<LogicalClock, 'current'>;
  readonly lookup: DocumentLookup;
}

/** One stream's compiled configuration. */
export interface StreamConfig {
  readonly ns: string;
  readonly scope: StreamScope;
  readonly spec: StreamSpec;
  readonly pipeline: EventPipeline;
}

/**
 * A change-stream cursor: a position in the history that only moves forward.
 * `nextBatch` returns what is there, or waits (without polling) until an
 * append wakes it or `maxTimeMS` passes. Every batch moves the resume token
 * reported as `postBatchResumeToken`: the last event returned, or a
 * high-water mark past everything scanned when nothing matched.
 *
 * @example
 *   const cursor = new ChangeStreamCursor(context, config, resolveStart(...));
 *   const batch = await cursor.nextBatch(10, 500);
 *   cursor.replyFields(); // { postBatchResumeToken: { _data } }
 */
export class ChangeStreamCursor implements ServerCursor {
  readonly ns: string;
  private position: number;
  private resumeKey: string;
  private pendingInvalidate: StoredEvent | null;
  private invalidated = false;
  private closed = false;
  private readonly pendingWaits = new Set<() => void>();

  constructor(
    private readonly context: CursorContext,
    private readonly config: StreamConfig,
    start: StartState,
  ) {
    this.ns = config.ns;
    this.position = start.position;
    this.resumeKey = start.resumeKey;
    this.pendingInvalidate = start.pendingInvalidate;
  }

  get exhausted(): boolean {
    return this.invalidated;
  }

  async nextBatch(batchSize: number | undefined, maxTimeMS: number | undefined): Promise<Document[]> {
    const limit = batchSize === undefined || batchSize < 0 ? DEFAULT_BATCH_SIZE : batchSize;
    if (this.closed || this.invalidated || limit === 0) return [];
    let batch = this.scan(limit);
    const deadline = performance.now() + (maxTimeMS ?? DEFAULT_AWAIT_MS);
    while (batch.length === 0 && !this.closed && !this.invalidated) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) break;
      await this.waitForAppend(remaining);
      if (this.closed) return [];
      batch = this.scan(limit);
    }
    return batch;
  }

  replyFields(): Document {
    return { postBatchResumeToken: tokenDocument(this.resumeKey) };
  }

  close(): void {
    this.closed = true;
    for (const cancel of [...this.pendingWaits]) cancel();
  }

  /** Read forward from the current position; never waits. */
  private scan(limit: number): Document[] {
    const out: Document[] = [];
    const { history } = this.context;
    if (this.pendingInvalidate === null && history.lostBefore(this.position)) throw historyLostError();
    let bytes = 0;
    const end = history.nextSeq;
    while (this.pendingInvalidate === null && this.position < end && out.length < limit && bytes < MAX_BATCH_BYTES) {
      const stored = history.at(this.position);
      const { show, invalidate } = classify(this.config.scope, stored.entry);
      const doc = show ? this.config.pipeline.apply(buildEvent(stored, this.config.spec, this.context.lookup)) : null;
      // Advance only once the event was processed: a throwing pipeline fails every retry the same way.
      this.position += 1;
      if (doc !== null) {
        out.push(doc);
        bytes += calculateObjectSize(doc);
        this.resumeKey = stored.key;
      }
      if (invalidate) this.pendingInvalidate = stored;
    }
    if (this.pendingInvalidate !== null && out.length < limit) this.deliverInvalidate(this.pendingInvalidate, out);
    else if (out.length === 0 && this.position === end) this.markHighWater();
    return out;
  }

  private deliverInvalidate(cause: StoredEvent, out: Document[]): void {
    // mongod returns the invalidate outside the user's pipeline and then closes the cursor.
    out.push(buildInvalidate(cause));
    this.resumeKey = invalidateKeyOf(cause.key);
    this.pendingInvalidate = null;
    this.invalidated = true;
  }

  /**
   * Nothing matched up to the end of history: report a token past everything
   * scanned, so a client resuming from it skips what this cursor already
   * filtered out. Never move backwards (the start may lie in the future).
   */
  private markHighWater(): void {
    const mark = highWaterMarkKey(nextTimestamp(this.context.clock.current()));
    if (mark > this.resumeKey) this.resumeKey = mark;
  }

  private waitForAppend(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        cancelWaiter();
        this.pendingWaits.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      const cancelWaiter = this.context.history.onAppend(done);
      this.pendingWaits.add(done);
    });
  }
}
