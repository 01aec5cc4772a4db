import type { Timestamp } from 'bson';
import type { ChangeEntry } from './change-types.js';

/** One recorded change, in history order. */
export interface StoredEvent {
  /** Resume-token key (see resume-token.ts); strictly increasing along the history. */
  readonly key: string;
  readonly clusterTime: Timestamp;
  readonly wallTime: Date;
  readonly entry: ChangeEntry;
}

/**
 * The bounded change history, our oplog window: a ring buffer of the last
 * `limit` events, addressed by a global sequence number that never wraps.
 * Cursors hold a sequence number and scan forward; appends are O(1).
 *
 * It also keeps the most recently forgotten event, so "was anything after this
 * resume point forgotten?" has an exact answer (see `lostAfter`).
 *
 * @example
 *   const history = new ChangeHistory(1000);
 *   history.append([event]);
 *   history.at(history.firstSeq); // event
 */
export class ChangeHistory {
  private readonly slots: StoredEvent[] = [];
  private first = 0;
  private next = 0;
  private dropped: StoredEvent | null = null;
  private waiters = new Set<() => void>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`historyLimit must be a positive integer, got ${limit}`);
  }

  /** Sequence number of the oldest retained event. */
  get firstSeq(): number {
    return this.first;
  }

  /** Sequence number the next appended event will get. */
  get nextSeq(): number {
    return this.next;
  }

  /**
   * Record events (keys must keep increasing) and wake every waiting cursor.
   * An update's post-image is not kept (see `withoutUpdatePostImage`).
   */
  append(events: readonly StoredEvent[]): void {
    for (const event of events) {
      if (this.next - this.first === this.limit) {
        this.dropped = this.at(this.first);
        this.first += 1;
      }
      this.slots[this.next % this.limit] = withoutUpdatePostImage(event);
      this.next += 1;
    }
    if (events.length > 0) this.wake();
  }

  /** The event at a retained sequence number. */
  at(seq: number): StoredEvent {
    const event = this.slots[seq % this.limit];
    if (seq < this.first || seq >= this.next || event === undefined) throw new RangeError(`change #${seq} is not in history`);
    return event;
  }

  oldest(): StoredEvent | null {
    return this.next > this.first ? this.at(this.first) : null;
  }

  newest(): StoredEvent | null {
    return this.next > this.first ? this.at(this.next - 1) : null;
  }

  /** True when some forgotten event sorts after `key`: resuming there would miss it. */
  lostAfter(key: string): boolean {
    return this.dropped !== null && this.dropped.key > key;
  }

  /** True when events were forgotten that a cursor positioned at `seq` has not read yet. */
  lostBefore(seq: number): boolean {
    return seq < this.first;
  }

  /** The most recently forgotten event, if any. */
  lastDropped(): StoredEvent | null {
    return this.dropped;
  }

  /** Recovery: the forgotten event a checkpoint recorded, set before its retained events are appended. */
  restoreDropped(event: StoredEvent): void {
    this.dropped = event;
  }

  /** Every retained event, oldest first. */
  retained(): StoredEvent[] {
    const out: StoredEvent[] = [];
    for (let seq = this.first; seq < this.next; seq++) out.push(this.at(seq));
    return out;
  }

  /** Sequence number of the first retained event whose key sorts after `key` (binary search). */
  seqAfter(key: string): number {
    let lo = this.first;
    let hi = this.next;
    while (lo < hi) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (this.at(mid).key > key) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** The retained event with exactly this key, or null. */
  find(key: string): StoredEvent | null {
    const seq = this.seqAfter(key) - 1;
    if (seq < this.first) return this.dropped?.key === key ? this.dropped : null;
    const event = this.at(seq);
    return event.key === key ? event : null;
  }

  /**
   * Call `waiter` once, on the next append. Returns a function that cancels it.
   * Waiters are one-shot so a woken cursor re-registers only if it still waits.
   */
  onAppend(waiter: () => void): () => void {
    this.waiters.add(waiter);
    return () => this.waiters.delete(waiter);
  }

  private wake(): void {
    if (this.waiters.size === 0) return;
    const woken = this.waiters;
    this.waiters = new Set();
    for (const waiter of woken) waiter();
  }
}

/**
 * An update event as the history keeps it: without the post-image storage
 * recorded with it (the journal has it; the history does not need it). mongod
 * keeps no post-images unless a collection enables
 * `changeStreamPreAndPostImages`, which this engine does not support, so its
 * streams answer `fullDocument: 'whenAvailable'` with null and `'required'`
 * with an error for updates, as mongod does; `'updateLookup'` reads the
 * current document. Keeping them held every superseded version of every
 * document updated within the history window alive: with the demo's 2M-event
 * history, a copy of each frequently updated document per update.
 */
function withoutUpdatePostImage(event: StoredEvent): StoredEvent {
  const { entry } = event;
  if (entry.op !== 'update' || entry.fullDocument === undefined) return event;
  const { fullDocument: _dropped, ...rest } = entry;
  return { ...event, entry: rest };
}
