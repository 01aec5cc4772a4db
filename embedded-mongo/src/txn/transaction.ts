import type { Document, Timestamp } from 'bson';
import type { ChangeEntry } from '../changes/change-types.js';
import { CommandError, ErrorCode } from '../errors.js';
import { ID_INDEX_SPEC } from '../storage/collection.js';
import { assertNoConflict, writeConflict, type Engine, type PendingWrite } from '../storage/engine.js';
import { encodeKey, isPlainObject } from '../storage/key-encoding.js';
import { Overlay } from '../storage/overlay.js';
import type { SortSpec } from '../query/sort.js';
import { changeEntry, committedCandidates, committedSortedCandidates, type StoreView, type WriteKind } from '../storage/view.js';

/** Which open transaction holds each document (`ns\0id`), shared by all sessions of a server. */
export type LockTable = Map<string, Transaction>;

/**
 * A multi-document transaction: writes go to a per-namespace overlay (id → new
 * version, or null when deleted) that only this transaction's reads see; commit
 * applies them all at once. A write fails with WriteConflict (112, labelled
 * TransientTransactionError so `withTransaction` retries) when another open
 * transaction holds the document or it was committed after this one started.
 */
export class Transaction implements StoreView {
  readonly inTransaction = true;
  private readonly overlays = new Map<string, Overlay>();
  private readonly writes: PendingWrite[] = [];
  private readonly entries: ChangeEntry[] = [];
  private readonly startSequence: number;

  constructor(
    private readonly engine: Engine,
    private readonly locks: LockTable,
    readonly lsid: Document,
    readonly txnNumber: number,
  ) {
    this.startSequence = engine.lastSequence;
    engine.transactionOpened();
  }

  *candidates(db: string, collName: string, filter: Document | undefined): Generator<Document> {
    const overlay = this.overlays.get(nsKey(db, collName));
    for (const doc of committedCandidates(this.engine.collection(db, collName), filter)) {
      if (!overlay?.has(encodeKey(doc._id))) yield doc;
    }
    if (!overlay) return;
    // A filter that pins `_id` (every update and upsert by id) needs only those pending documents:
    // iterating the whole overlay made each write of a large transaction cost its size.
    const pinned = pinnedIds(filter);
    if (pinned) {
      for (const id of pinned) {
        const doc = overlay.get(id);
        if (doc) yield doc;
      }
      return;
    }
    for (const doc of overlay.values()) if (doc) yield doc;
  }

  /** An index walk sees committed state only, so it serves a transaction only before it writes to the collection. */
  sortedCandidates(db: string, collName: string, filter: Document | undefined, sort: SortSpec | undefined, limit: number): Iterable<Document> | null {
    if (this.overlays.get(nsKey(db, collName))?.size) return null;
    return committedSortedCandidates(this.engine.collection(db, collName), filter, sort, limit);
  }

  insert(db: string, collName: string, doc: Document): void {
    const id = encodeKey(doc._id);
    const overlay = this.overlay(db, collName);
    const coll = this.engine.collection(db, collName);
    if (coll) coll.checkUnique(doc, id, true, overlay);
    else if (overlay.get(id)) throw duplicateId(db, collName, doc._id);
    this.write(db, collName, id, doc, changeEntry(db, collName, null, doc));
  }

  update(db: string, collName: string, before: Document, after: Document, kind: WriteKind): void {
    const id = encodeKey(after._id);
    this.engine.collection(db, collName)?.checkUnique(after, id, false, this.overlay(db, collName));
    this.write(db, collName, id, after, changeEntry(db, collName, before, after, kind));
  }

  remove(db: string, collName: string, doc: Document): void {
    this.write(db, collName, encodeKey(doc._id), null, changeEntry(db, collName, doc, null));
  }

  /** Re-check conflicts and unique indexes against what committed meanwhile, then apply atomically. */
  commit(): Timestamp {
    try {
      for (const write of this.writes) {
        const coll = this.engine.collection(write.db, write.coll);
        assertNoConflict(coll, write.id, this.startSequence);
        if (write.doc) coll?.checkUnique(write.doc, write.id, false, this.overlays.get(nsKey(write.db, write.coll)));
      }
      return this.engine.commit(this.finalWrites(), this.entries);
    } finally {
      this.close();
    }
  }

  abort(): void {
    this.close();
  }

  private closed = false;

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const write of this.writes) {
      const key = lockKey(write);
      if (this.locks.get(key) === this) this.locks.delete(key);
    }
    this.engine.transactionClosed();
  }

  private write(db: string, coll: string, id: string, doc: Document | null, entry: ChangeEntry): void {
    const key = lockKey({ db, coll, id });
    const holder = this.locks.get(key);
    if (holder && holder !== this) throw writeConflict();
    assertNoConflict(this.engine.collection(db, coll), id, this.startSequence);
    this.locks.set(key, this);
    this.overlay(db, coll).set(id, doc);
    this.writes.push({ db, coll, id, doc });
    this.entries.push({ ...entry, lsid: this.lsid, txnNumber: BigInt(this.txnNumber) });
  }

  private overlay(db: string, coll: string): Overlay {
    const key = nsKey(db, coll);
    let overlay = this.overlays.get(key);
    if (!overlay) this.overlays.set(key, (overlay = new Overlay()));
    return overlay;
  }

  /** The last write per document wins; order of first appearance is kept. */
  private finalWrites(): PendingWrite[] {
    const last = new Map<string, PendingWrite>();
    for (const write of this.writes) last.set(lockKey(write), write);
    return [...last.values()];
  }
}

/** Encoded `_id`s a filter restricts to (`_id: v`, `_id: { $eq: v }`, `_id: { $in: [...] }`), or null. */
function pinnedIds(filter: Document | undefined): string[] | null {
  const id: unknown = filter?._id;
  if (id === undefined) return null;
  if (!isPlainObject(id) || !Object.keys(id).some((k) => k.startsWith('$'))) return [encodeKey(id)];
  const keys = Object.keys(id);
  if (keys.length === 1 && keys[0] === '$eq') return [encodeKey(id.$eq)];
  // A regex in $in matches by pattern, not identity: fall back to the full scan.
  if (keys.length === 1 && keys[0] === '$in' && Array.isArray(id.$in) && !id.$in.some((v) => v instanceof RegExp)) return id.$in.map(encodeKey);
  return null;
}

function nsKey(db: string, coll: string): string {
  return `${db}\0${coll}`;
}

function lockKey(write: { db: string; coll: string; id: string }): string {
  return `${write.db}\0${write.coll}\0${write.id}`;
}

function duplicateId(db: string, coll: string, id: unknown): CommandError {
  return new CommandError(
    ErrorCode.DuplicateKey,
    `E11000 duplicate key error collection: ${db}.${coll} index: ${ID_INDEX_SPEC.name} dup key: { _id: ${JSON.stringify(id)} }`,
    { keyPattern: ID_INDEX_SPEC.key, keyValue: { _id: id } },
  );
}
