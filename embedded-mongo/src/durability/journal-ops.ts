import { BSON, Binary, UUID, type Document, type Timestamp } from 'bson';
import type { ChangeHistory, StoredEvent } from '../changes/change-history.js';
import type { ChangeEntry } from '../changes/change-types.js';
import { eventKey } from '../changes/resume-token.js';
import type { Collection } from '../storage/collection.js';
import type { Engine } from '../storage/engine.js';
import type { IndexSpec } from '../storage/index-store.js';
import { IndexStore } from '../storage/index-store.js';
import { encodeKey } from '../storage/key-encoding.js';
import { payloadDocuments } from './record-format.js';

/**
 * The logical operations a journal record holds, each one BSON document
 * (a commit is a header followed by its change entries, one document each,
 * so no single document grows with the size of a transaction):
 *
 *   { o: 'create', db, coll, options, uuid }
 *   { o: 'createIndexes', db, coll, specs }
 *   { o: 'dropIndexes', db, coll, names }
 *   { o: 'commit', t: clusterTime, w: wallTime, n } + n change entries
 *
 * A commit's entries are both the change events and the writes: an insert,
 * update or replace carries the document's full after-image, a delete its
 * `_id`, a drop its namespace.
 */
export function encodeCreate(coll: Collection): Uint8Array {
  return BSON.serialize({ o: 'create', db: coll.db, coll: coll.name, options: coll.options, uuid: coll.uuid });
}

export function encodeIndexesCreated(coll: Collection, specs: IndexSpec[]): Uint8Array {
  return BSON.serialize({ o: 'createIndexes', db: coll.db, coll: coll.name, specs });
}

export function encodeIndexesDropped(coll: Collection, names: string[]): Uint8Array {
  return BSON.serialize({ o: 'dropIndexes', db: coll.db, coll: coll.name, names });
}

export function encodeCommit(events: readonly StoredEvent[]): Uint8Array[] {
  const first = events[0];
  if (!first) return [];
  return [BSON.serialize({ o: 'commit', t: first.clusterTime, w: first.wallTime, n: events.length }), ...events.map((event) => BSON.serialize(event.entry))];
}

/** A change entry as decoded: `txnNumber` back to the bigint the engine uses. */
export function decodeEntry(doc: Document): ChangeEntry {
  const entry = doc as ChangeEntry & { txnNumber?: unknown };
  if (entry.txnNumber !== undefined) entry.txnNumber = BigInt(String(entry.txnNumber));
  return entry;
}

export function toUuid(value: unknown): UUID {
  if (value instanceof UUID) return value;
  if (value instanceof Binary) return value.toUUID();
  return new UUID();
}

/**
 * Replays journal records into an engine being recovered. Documents go in
 * without index maintenance; `finish` builds every index once.
 */
export class Replayer {
  /** The newest cluster time replayed. */
  lastTime: Timestamp | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly history: ChangeHistory,
  ) {}

  /** Apply one record's operations, in order. */
  applyRecord(payload: Buffer): void {
    const docs = payloadDocuments(payload);
    for (let i = 0; i < docs.length; i++) {
      const op = docs[i] as Document;
      if (op.o === 'commit') {
        const n = Number(op.n);
        this.applyCommit(op.t as Timestamp, op.w as Date, docs.slice(i + 1, i + 1 + n).map(decodeEntry));
        i += n;
      } else this.applyOp(op);
    }
  }

  applyOp(op: Document): void {
    const db = String(op.db);
    const name = String(op.coll);
    switch (op.o) {
      case 'create':
        if (!this.engine.collection(db, name)) this.engine.restoreCollection(db, name, (op.options as Document | undefined) ?? {}, toUuid(op.uuid));
        return;
      case 'createIndexes': {
        const coll = this.engine.collection(db, name);
        for (const spec of op.specs as IndexSpec[]) coll?.indexes.push(new IndexStore(spec, coll.metrics, coll.current));
        return;
      }
      case 'dropIndexes': {
        const coll = this.engine.collection(db, name);
        const names = new Set(op.names as string[]);
        if (coll) coll.indexes.splice(0, coll.indexes.length, ...coll.indexes.filter((index) => !names.has(index.spec.name)));
        return;
      }
      default:
        throw new Error(`unknown journal operation ${JSON.stringify(op.o)}`);
    }
  }

  /** A commit's writes, then its events into the change history under their original times. */
  applyCommit(clusterTime: Timestamp, wallTime: Date, entries: ChangeEntry[]): void {
    for (const entry of entries) this.applyEntry(entry);
    this.history.append(entries.map((entry, index) => ({ key: eventKey(clusterTime, index), clusterTime, wallTime, entry })));
    this.lastTime = clusterTime;
  }

  private applyEntry(entry: ChangeEntry): void {
    const { db, coll: name } = entry;
    switch (entry.op) {
      case 'insert':
      case 'update':
      case 'replace': {
        const doc = entry.fullDocument as Document;
        const coll = this.engine.collection(db, name as string) ?? this.engine.restoreCollection(db, name as string, {}, new UUID());
        coll.loadPut(encodeKey(doc._id), doc);
        return;
      }
      case 'delete':
        this.engine.collection(db, name as string)?.loadRemove(encodeKey(entry.documentKey?._id));
        return;
      case 'drop':
        this.engine.removeCollection(db, name as string);
        return;
      case 'dropDatabase':
        this.engine.removeDatabase(db);
        return;
      case 'rename':
        return;
    }
  }

  /** Build every collection's indexes over its recovered documents. */
  finish(): void {
    for (const coll of this.engine.allCollections()) coll.rebuildIndexes();
  }
}
