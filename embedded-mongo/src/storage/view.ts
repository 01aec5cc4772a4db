import type { Document } from 'bson';
import type { ChangeEntry } from '../changes/change-types.js';
import { describeUpdate } from '../changes/update-description.js';
import { candidateIds } from '../query/planner.js';
import type { Collection } from './collection.js';
import type { Engine } from './engine.js';
import { encodeKey } from './key-encoding.js';

export type WriteKind = 'update' | 'replace';

/**
 * What commands read and write through: the committed state directly, or a
 * transaction's overlay on top of it. Candidates are a superset of the matches
 * (an index pick or a full scan); callers apply the filter.
 */
export interface StoreView {
  readonly inTransaction: boolean;
  candidates(db: string, coll: string, filter: Document | undefined): Iterable<Document>;
  insert(db: string, coll: string, doc: Document): void;
  update(db: string, coll: string, before: Document, after: Document, kind: WriteKind): void;
  remove(db: string, coll: string, doc: Document): void;
}

/** Committed candidates for a filter: index-picked ids, or every document. */
export function* committedCandidates(coll: Collection | undefined, filter: Document | undefined): Generator<Document> {
  if (!coll) return;
  const ids = candidateIds(coll, filter);
  if (!ids) {
    for (const entry of coll.docs.values()) yield entry.doc;
    return;
  }
  for (const id of ids) {
    const entry = coll.docs.get(id);
    if (entry) yield entry.doc;
  }
}

/** The change entry mongod's oplog would produce for one document write. */
export function changeEntry(db: string, coll: string, before: Document | null, after: Document | null, kind?: WriteKind): ChangeEntry {
  const documentKey = { _id: (after ?? before)?._id };
  if (!after) return { db, coll, op: 'delete', documentKey };
  if (!before) return { db, coll, op: 'insert', documentKey, fullDocument: after };
  if (kind === 'replace') return { db, coll, op: 'replace', documentKey, fullDocument: after };
  return { db, coll, op: 'update', documentKey, fullDocument: after, updateDescription: describeUpdate(before, after) };
}

/** Writes outside a transaction: each document write is its own commit, like one oplog entry. */
export class DirectView implements StoreView {
  readonly inTransaction = false;

  constructor(private readonly engine: Engine) {}

  candidates(db: string, coll: string, filter: Document | undefined): Iterable<Document> {
    return committedCandidates(this.engine.collection(db, coll), filter);
  }

  insert(db: string, collName: string, doc: Document): void {
    const coll = this.engine.ensureCollection(db, collName);
    const id = encodeKey(doc._id);
    coll.checkUnique(doc, id, true);
    this.engine.commit([{ db, coll: collName, id, doc }], [changeEntry(db, collName, null, doc)]);
  }

  update(db: string, collName: string, before: Document, after: Document, kind: WriteKind): void {
    const coll = this.engine.ensureCollection(db, collName);
    const id = encodeKey(after._id);
    coll.checkUnique(after, id, false);
    this.engine.commit([{ db, coll: collName, id, doc: after }], [changeEntry(db, collName, before, after, kind)]);
  }

  remove(db: string, collName: string, doc: Document): void {
    const id = encodeKey(doc._id);
    this.engine.commit([{ db, coll: collName, id, doc: null }], [changeEntry(db, collName, doc, null)]);
  }
}
