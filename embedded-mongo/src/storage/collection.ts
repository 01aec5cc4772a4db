import { UUID, type Document } from 'bson';
import { CommandError, ErrorCode } from '../errors.js';
import { encodeKey } from './key-encoding.js';
import { type IndexStore, encodeTuple, type IndexSpec } from './index-store.js';
import { formatKeyValue } from './duplicate-key.js';
import type { QueryMetrics } from './metrics.js';
import { OrderedIndex } from './ordered-index.js';

/** A committed document version plus the commit sequence that wrote it (for write-conflict checks). */
export interface StoredEntry {
  readonly doc: Document;
  readonly version: number;
}

/** Writes of an open transaction not yet committed: id key → new version, or null when deleted. */
import type { Overlay } from './overlay.js';

export type { Overlay };

export const ID_INDEX_SPEC: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

/**
 * One collection's committed state: documents by canonical `_id` key (which is
 * the `_id_` index), secondary indexes, and tombstones so a transaction can tell
 * that a document it is about to write was deleted after it started.
 */
export class Collection {
  readonly docs = new Map<string, StoredEntry>();
  readonly tombstones = new Map<string, number>();
  readonly indexes: IndexStore[] = [];
  readonly uuid: UUID;
  /** The `_id_` index in `_id` order, for `_id` sorts and ranges (`docs` is its hash half). */
  readonly idOrder: OrderedIndex;

  constructor(
    readonly db: string,
    readonly name: string,
    readonly options: Document,
    readonly metrics: QueryMetrics,
    uuid?: UUID,
  ) {
    this.uuid = uuid ?? new UUID();
    this.idOrder = new OrderedIndex(['_id'], [1], metrics, this.current);
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  /** The version of an id: its current commit, or the commit that deleted it. */
  versionOf(id: string): number {
    return this.docs.get(id)?.version ?? this.tombstones.get(id) ?? 0;
  }

  /** The committed document of an id (indexes resolve their entries through it). */
  readonly current = (id: string): Document | undefined => this.docs.get(id)?.doc;

  put(id: string, doc: Document, version: number): void {
    const previous = this.docs.get(id);
    this.docs.set(id, { doc, version });
    this.tombstones.delete(id);
    if (!previous) {
      this.idOrder.add(id, doc);
      for (const index of this.indexes) index.add(id, doc);
      return;
    }
    // An update: the same id (so the same _id order entry); only indexes whose keys changed are written.
    for (const index of this.indexes) {
      if (index.sameKeys(previous.doc, doc)) continue;
      index.remove(id, previous.doc);
      index.add(id, doc);
    }
  }

  remove(id: string, version: number, keepTombstone: boolean): void {
    const previous = this.docs.get(id);
    if (!previous) return;
    this.idOrder.remove(id, previous.doc);
    for (const index of this.indexes) index.remove(id, previous.doc);
    this.docs.delete(id);
    if (keepTombstone) this.tombstones.set(id, version);
  }

  /** Recovery: set a document without index maintenance (`rebuildIndexes` follows). */
  loadPut(id: string, doc: Document): void {
    this.docs.set(id, { doc, version: 0 });
  }

  /** Recovery: delete a document without index maintenance. */
  loadRemove(id: string): void {
    this.docs.delete(id);
  }

  /** Recovery: build the `_id` order and every index once over the loaded documents. */
  rebuildIndexes(): void {
    this.idOrder.clear();
    for (const index of this.indexes) index.clear();
    for (const [id, { doc }] of this.docs) {
      this.idOrder.add(id, doc);
      for (const index of this.indexes) index.add(id, doc);
    }
  }

  /**
   * Throw mongod's E11000 if writing `doc` under `id` would break a unique
   * index, considering the committed state with `overlay` (a transaction's
   * pending writes in this collection) laid over it.
   */
  checkUnique(doc: Document, id: string, isInsert: boolean, overlay?: Overlay): void {
    if (isInsert) {
      const taken = overlay?.has(id) ? overlay.get(id) !== null : this.docs.has(id);
      if (taken) this.throwDuplicate(ID_INDEX_SPEC, ['_id'], [doc._id]);
    }
    for (const index of this.indexes) {
      if (!index.unique) continue;
      for (const tuple of index.tuples(doc)) {
        const encoded = tuple.map(encodeKey);
        if (this.keyTaken(index, encoded, id, overlay)) this.throwDuplicate(index.spec, index.fields, tuple);
      }
    }
  }

  private keyTaken(index: IndexStore, encoded: string[], id: string, overlay?: Overlay): boolean {
    for (const other of index.lookup(encoded) ?? []) {
      if (other !== id && !overlay?.has(other)) return true;
    }
    if (!overlay) return false;
    for (const other of overlay.idsWithKey(index, encodeTuple(encoded)) ?? []) if (other !== id) return true;
    return false;
  }

  private throwDuplicate(spec: IndexSpec, fields: string[], tuple: unknown[]): never {
    const keyValue: Document = {};
    fields.forEach((field, i) => (keyValue[field] = tuple[i] === undefined ? null : tuple[i]));
    throw new CommandError(
      ErrorCode.DuplicateKey,
      `E11000 duplicate key error collection: ${this.ns} index: ${spec.name} dup key: ${formatKeyValue(keyValue)}`,
      { keyPattern: spec.key, keyValue },
    );
  }
}
