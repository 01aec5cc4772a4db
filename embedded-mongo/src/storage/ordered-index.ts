import { createRequire } from 'node:module';
import type { Document } from 'bson';
import { compareBson } from './bson-order.js';
import { isPlainObject } from './key-encoding.js';
import type { QueryMetrics } from './metrics.js';
// Under NodeNext a default import of this CommonJS module is its `module.exports`: what createRequire returns.
import type SortedBTreeExports from 'sorted-btree';

// sorted-btree is CommonJS with `exports.default`: a default import is the class under some loaders
// (vitest) and the exports object under Node's ESM loader, so load it the one way that agrees everywhere.
const BTree = (createRequire(import.meta.url)('sorted-btree') as typeof SortedBTreeExports).default;
type Tree = InstanceType<typeof BTree<IndexKey, undefined>>;

/**
 * One index entry: the key values in index field order (missing fields are
 * stored as null), then the document's `_id` and its canonical id string as
 * tie-breaks, so every entry is unique and equal keys come in `_id` order.
 * Scan bounds are partial keys: a value prefix plus an `edge` that puts the
 * bound just before (-1) or just after (+1) every entry sharing that prefix.
 */
export interface IndexKey {
  readonly values: readonly unknown[];
  readonly idValue?: unknown;
  readonly id?: string;
  readonly edge?: -1 | 1;
}

/** Index fields' directions; an index is ordered only when every one is 1 or -1. */
export type Directions = ReadonlyArray<1 | -1>;

/** A range of an ordered index to walk, in index order, forwards or backwards. */
export interface IndexScan {
  readonly lower: IndexKey;
  readonly upper: IndexKey;
  readonly reverse: boolean;
}

/** Returned by `keyValues` when a path meets an array: the document is multikey. */
const MULTIKEY = Symbol('multikey');

/** Entries read per B-tree descent; grows so long scans amortise while short `limit` scans stay short. */
const FIRST_CHUNK = 16;
const MAX_CHUNK = 1024;

/**
 * The ordered half of an index: a B+tree of entries sorted by MongoDB's BSON
 * order of the compound key (each field in its direction), then `_id`. It
 * serves sorts and ranges without collecting and sorting candidates.
 *
 * Multikey documents (an array anywhere on an indexed path) are counted but
 * not stored: their sort position depends on the sort direction (min element
 * ascending, max descending), so the planner does not use the ordered index
 * while any exists and falls back to the hash index plus an in-memory sort.
 */
export class OrderedIndex {
  private readonly paths: string[][];
  private readonly tree: Tree;
  private multikeyDocs = 0;

  /**
   * `resolve` gives the current document of an id: entries hold keys only,
   * so an update that leaves the indexed fields alone needs no index write
   * (Collection.put skips it) and scans still yield the newest version.
   */
  constructor(
    readonly fields: readonly string[],
    readonly directions: Directions,
    private readonly metrics: QueryMetrics,
    private readonly resolve: (id: string) => Document | undefined,
  ) {
    this.paths = fields.map((field) => field.split('.'));
    this.tree = new BTree<IndexKey, undefined>(undefined, (a, b) => compareKeys(a, b, directions));
  }

  /** False while some document is multikey on this index (see the class comment). */
  get usable(): boolean {
    return this.multikeyDocs === 0;
  }

  get size(): number {
    return this.tree.size;
  }

  add(id: string, doc: Document): void {
    const values = this.keyValues(doc);
    if (values === MULTIKEY) this.multikeyDocs++;
    else this.tree.set({ values, idValue: doc._id, id }, undefined);
  }

  remove(id: string, doc: Document): void {
    const values = this.keyValues(doc);
    if (values === MULTIKEY) this.multikeyDocs--;
    else this.tree.delete({ values, idValue: doc._id, id });
  }

  clear(): void {
    this.tree.clear();
    this.multikeyDocs = 0;
  }

  /**
   * The documents of a range in index order, lazily. Entries are read in
   * chunks and no B-tree iterator is held across a yield, because the caller
   * (a cursor) may pause between batches while writes change the tree; each
   * chunk resumes after the last key read. A document whose key moved past
   * the scan position is not returned twice (nor any in `seen`, which the
   * scan extends).
   */
  *scan(range: IndexScan, seen = new Set<string>()): Generator<Document> {
    const { lower, upper, reverse } = range;
    let from: IndexKey = reverse ? upper : lower;
    let skipFrom = false;
    let chunkSize = FIRST_CHUNK;
    for (;;) {
      const chunk: IndexKey[] = [];
      let ended = false;
      const entries = reverse ? this.tree.entriesReversed(from, undefined, skipFrom) : this.tree.entries(from);
      for (const [key] of entries) {
        if (!reverse && skipFrom && compareKeys(key, from, this.directions) === 0) continue;
        if (reverse ? compareKeys(key, lower, this.directions) < 0 : compareKeys(key, upper, this.directions) > 0) {
          ended = true;
          break;
        }
        chunk.push(key);
        if (chunk.length >= chunkSize) break;
      }
      this.metrics.keysExamined += chunk.length;
      for (const key of chunk) {
        const id = key.id as string;
        if (seen.has(id)) continue;
        seen.add(id);
        const doc = this.resolve(id);
        if (!doc) continue;
        this.metrics.docsExamined++;
        yield doc;
      }
      const last = chunk[chunk.length - 1];
      if (ended || !last || chunk.length < chunkSize) return;
      from = last;
      skipFrom = true;
      chunkSize = Math.min(chunkSize * 2, MAX_CHUNK);
    }
  }

  /**
   * The documents of several ranges (an `$in` on the index prefix), one range
   * after the other, each document at most once.
   */
  *scanAll(ranges: readonly IndexScan[]): Generator<Document> {
    const seen = new Set<string>();
    for (const range of ranges) yield* this.scan(range, seen);
  }

  /**
   * Key values in field order, or MULTIKEY when a path meets an array. Sized
   * up front: entries keep the array for the document's lifetime, and one
   * grown by `push` reserves 17 slots (~150 bytes) whatever its length.
   */
  private keyValues(doc: Document): unknown[] | typeof MULTIKEY {
    const values = new Array<unknown>(this.paths.length);
    for (let i = 0; i < this.paths.length; i++) {
      const parts = this.paths[i] as string[];
      let current: unknown = doc;
      for (const part of parts) {
        if (Array.isArray(current)) return MULTIKEY;
        current = isPlainObject(current) ? current[part] : undefined;
      }
      if (Array.isArray(current)) return MULTIKEY;
      values[i] = current === undefined ? null : current;
    }
    return values;
  }
}

/**
 * Total order of entries and bounds: field by field in each field's direction,
 * then (for two whole entries) `_id` ascending and the id string. A bound's
 * `edge` decides once its value prefix is exhausted.
 */
export function compareKeys(a: IndexKey, b: IndexKey, directions: Directions): number {
  const n = Math.min(a.values.length, b.values.length);
  for (let i = 0; i < n; i++) {
    const c = compareBson(a.values[i], b.values[i]);
    if (c !== 0) return c * (directions[i] as number);
  }
  if (a.edge !== undefined || b.edge !== undefined) return (a.edge ?? 0) - (b.edge ?? 0);
  const byId = compareBson(a.idValue, b.idValue);
  if (byId !== 0) return byId;
  const idA = a.id as string;
  const idB = b.id as string;
  return idA < idB ? -1 : idA > idB ? 1 : 0;
}
