import type { Document } from 'bson';
import type { ChangeEntry } from '../changes/change-types.js';
import { describeUpdate } from '../changes/update-description.js';
import { planOrderedScan } from '../query/order-planner.js';
import { candidateIds, equalityDepth } from '../query/planner.js';
import type { SortSpec } from '../query/sort.js';
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
  /**
   * Candidates already in `sort` order from an ordered-index walk (a superset
   * of the matches; callers still filter), or null when no index walk fits or
   * it would not beat a hash lookup plus an in-memory sort. `limit` is
   * skip + limit of the query, 0 when unlimited.
   */
  sortedCandidates(db: string, coll: string, filter: Document | undefined, sort: SortSpec | undefined, limit: number): Iterable<Document> | null;
  insert(db: string, coll: string, doc: Document): void;
  update(db: string, coll: string, before: Document, after: Document, kind: WriteKind): void;
  remove(db: string, coll: string, doc: Document): void;
}

/**
 * Committed candidates for a filter: an ordered-index walk when the filter
 * has a range it can bound (see committedSortedCandidates), else index-picked
 * ids, else every document. The walk matters for range reads and writes with
 * an equality or `$in` prefix (`{ tenantId, sku: { $in }, day: { $gte } }`):
 * the hash index alone would return every day of those SKUs, so the work
 * would grow with the collection's history instead of with the range.
 */
export function* committedCandidates(coll: Collection | undefined, filter: Document | undefined): Generator<Document> {
  if (!coll) return;
  const walk = committedSortedCandidates(coll, filter, undefined, 0);
  if (walk) {
    yield* walk;
    return;
  }
  const { metrics } = coll;
  const ids = candidateIds(coll, filter);
  if (!ids) {
    for (const entry of coll.docs.values()) {
      metrics.docsExamined++;
      yield entry.doc;
    }
    return;
  }
  metrics.keysExamined += ids.length;
  for (const id of ids) {
    const entry = coll.docs.get(id);
    if (!entry) continue;
    metrics.docsExamined++;
    yield entry.doc;
  }
}

/**
 * Committed candidates in sort order from an ordered index, when a walk fits
 * and is worth it: it pins at least as many index fields as the best hash
 * lookup, or it provides the sort of a limited query (keyset pagination),
 * where reading `limit` entries in order beats collecting and sorting all.
 */
export function committedSortedCandidates(
  coll: Collection | undefined,
  filter: Document | undefined,
  sort: SortSpec | undefined,
  limit: number,
): Iterable<Document> | null {
  if (!coll) return null;
  const plan = planOrderedScan(coll, filter, sort);
  if (!plan) return null;
  const hashDepth = equalityDepth(coll, filter);
  if (hashDepth === Number.POSITIVE_INFINITY) return null; // an _id lookup reads one document
  if (plan.equalityDepth < hashDepth && !(plan.sorts && limit > 0)) return null;
  return plan.index.scanAll(plan.scans);
}

/** The change entry mongod's oplog would produce for one document write. */
export function changeEntry(db: string, coll: string, before: Document | null, after: Document | null, kind?: WriteKind): ChangeEntry {
  const documentKey: ChangeEntry['documentKey'] = { _id: (after ?? before)?._id as unknown };
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

  sortedCandidates(db: string, coll: string, filter: Document | undefined, sort: SortSpec | undefined, limit: number): Iterable<Document> | null {
    return committedSortedCandidates(this.engine.collection(db, coll), filter, sort, limit);
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
