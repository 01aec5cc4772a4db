import type { Document } from 'bson';
import { valuesAtPath } from './documents.js';
import { encodeKey } from './key-encoding.js';
import { compileFilter, type Matcher } from '../query/mingo.js';
import type { QueryMetrics } from './metrics.js';
import { OrderedIndex } from './ordered-index.js';

/** An index as `listIndexes` reports it. */
export interface IndexSpec {
  v: 2;
  key: Record<string, number | string>;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
  [option: string]: unknown;
}

/** Cartesian products above this are not worth an index lookup; the planner scans instead. */
const MAX_KEYS_PER_DOC = 10_000;

/**
 * The documents holding one key: the id itself while there is one (the usual
 * case for selective keys, and always for unique ones), a Set once there are
 * more. A Set per key cost ~150 bytes per document and prefix, the largest
 * part of a big collection's memory (see `pnpm bench:embedded-mongo-memory`).
 */
type Posting = string | Set<string>;

/**
 * A secondary index: hash maps from the canonical encoding of each key prefix
 * to the ids of the documents holding it (prefix maps make equality lookups on
 * the leading fields of a compound index as cheap as on the whole key), plus,
 * for a complete index with 1/-1 directions, an `OrderedIndex` (B+tree) that
 * serves sorts and ranges. Every write updates both: O(1) + O(log n).
 */
export class IndexStore {
  readonly fields: string[];
  /** prefixes[j]: key of the first j+1 fields → ids. */
  private readonly prefixes: Array<Map<string, Posting>>;
  private readonly partial: Matcher | null;
  /** Null for partial/sparse indexes (they may miss matches) and special ones (text, 2dsphere, hashed). */
  readonly ordered: OrderedIndex | null;

  /** `resolve`: the current document of an id (the ordered half yields it; see OrderedIndex). */
  constructor(
    readonly spec: IndexSpec,
    metrics: QueryMetrics,
    resolve: (id: string) => Document | undefined,
  ) {
    this.fields = Object.keys(spec.key);
    this.prefixes = this.fields.map(() => new Map<string, Posting>());
    this.partial = spec.partialFilterExpression ? compileFilter(spec.partialFilterExpression) : null;
    const directions = Object.values(spec.key).map((d) => (d === 1 || d === -1 ? d : null));
    this.ordered = this.complete && directions.every((d) => d !== null) ? new OrderedIndex(this.fields, directions, metrics, resolve) : null;
  }

  get unique(): boolean {
    return this.spec.unique === true;
  }

  /** Whether every document has entries (so a lookup finds all matches of an equality). */
  get complete(): boolean {
    return !this.partial && !this.spec.sparse;
  }

  /** The full-length key tuples of a document (several for multikey), or none if the index skips it. */
  tuples(doc: Document): unknown[][] {
    if (this.partial && !this.partial(doc)) return [];
    const perField = this.fields.map((field) => valuesAtPath(doc, field));
    if (this.spec.sparse && perField.every((values) => values.every((v) => v === undefined))) return [];
    let tuples: unknown[][] = [[]];
    for (const values of perField) {
      tuples = tuples.flatMap((tuple) => values.map((v) => [...tuple, v]));
      if (tuples.length > MAX_KEYS_PER_DOC) break;
    }
    return tuples;
  }

  /**
   * Whether two versions of a document have the same entries here: the same
   * values on every indexed path (and, for a partial index, the same
   * verdict of its filter). Then an update needs no index write — the usual
   * case, since updates rarely touch indexed fields.
   */
  sameKeys(before: Document, after: Document): boolean {
    if (this.partial && this.partial(before) !== this.partial(after)) return false;
    for (const field of this.fields) {
      const a = valuesAtPath(before, field);
      const b = valuesAtPath(after, field);
      if (a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) {
        if (a[i] === b[i]) continue;
        if (typeof a[i] === 'symbol' || typeof b[i] === 'symbol' || encodeKey(a[i]) !== encodeKey(b[i])) return false;
      }
    }
    return true;
  }

  add(id: string, doc: Document): void {
    this.ordered?.add(id, doc);
    this.forEachKey(doc, (map, key) => {
      const ids = map.get(key);
      if (ids === undefined) map.set(key, id);
      else if (typeof ids !== 'string') ids.add(id);
      else if (ids !== id) map.set(key, new Set([ids, id]));
    });
  }

  remove(id: string, doc: Document): void {
    this.ordered?.remove(id, doc);
    this.forEachKey(doc, (map, key) => {
      const ids = map.get(key);
      if (ids === undefined) return;
      if (typeof ids === 'string') {
        if (ids === id) map.delete(key);
        return;
      }
      ids.delete(id);
      if (ids.size === 1) map.set(key, ids.values().next().value as string);
    });
  }

  /** Ids whose first `keys.length` fields encode to `keys`. */
  lookup(encodedPrefix: string[]): Iterable<string> | undefined {
    const ids = this.prefixes[encodedPrefix.length - 1]?.get(encodeTuple(encodedPrefix));
    return typeof ids === 'string' ? [ids] : ids;
  }

  clear(): void {
    this.ordered?.clear();
    for (const map of this.prefixes) map.clear();
  }

  private forEachKey(doc: Document, fn: (map: Map<string, Posting>, key: string) => void): void {
    const seen = new Set<string>();
    for (const tuple of this.tuples(doc)) {
      const encoded = tuple.map(encodeKey);
      for (let j = 0; j < encoded.length; j++) {
        const key = `${j}:${encodeTuple(encoded.slice(0, j + 1))}`;
        if (seen.has(key)) continue;
        seen.add(key);
        fn(this.prefixes[j] as Map<string, Posting>, encodeTuple(encoded.slice(0, j + 1)));
      }
    }
  }
}

/** One string for a tuple of encoded values (JSON keeps separators unambiguous). */
export function encodeTuple(encoded: string[]): string {
  return encoded.length === 1 ? (encoded[0] as string) : JSON.stringify(encoded);
}

/** mongod's default index name: `a_1_b_-1`. */
export function defaultIndexName(key: Record<string, unknown>): string {
  return Object.entries(key)
    .map(([field, dir]) => `${field}_${String(dir)}`)
    .join('_');
}
