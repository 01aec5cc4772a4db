import { calculateObjectSize, type Document } from 'bson';
import type { ServerCursor } from './cursor-types.js';

/** mongod's first batch when the client gives no batchSize. */
export const DEFAULT_FIRST_BATCH = 101;
/** A batch stops growing past this many bytes, so a reply stays under the message limit. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;

/**
 * A find/aggregate cursor over a lazy sequence of (immutable) documents.
 * It peeks one document ahead so it knows it is exhausted when a batch ends
 * the results, and can answer cursor id 0 right away like mongod does.
 */
export class IteratorCursor implements ServerCursor {
  private readonly iterator: Iterator<Document>;
  private lookahead: IteratorResult<Document>;
  private closed = false;

  constructor(
    readonly ns: string,
    source: Iterable<Document>,
    /** `singleBatch` / negative limit: close after the first batch. */
    private readonly singleBatch = false,
  ) {
    this.iterator = source[Symbol.iterator]();
    this.lookahead = this.iterator.next();
  }

  get exhausted(): boolean {
    return this.closed || this.lookahead.done === true;
  }

  nextBatch(batchSize: number | undefined): Promise<Document[]> {
    // batchSize 0 on find/aggregate means an empty first batch with the cursor left open.
    const limit = batchSize === undefined || batchSize < 0 ? Number.POSITIVE_INFINITY : batchSize;
    const batch: Document[] = [];
    let bytes = 0;
    while (!this.exhausted && batch.length < limit && bytes < MAX_BATCH_BYTES) {
      const doc = this.lookahead.value as Document;
      batch.push(doc);
      if (batchSize === undefined || batchSize > 1) bytes += calculateObjectSize(doc);
      this.lookahead = this.iterator.next();
    }
    if (this.singleBatch) this.close();
    return Promise.resolve(batch);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.iterator.return?.();
  }
}
