import type { Document } from 'bson';
import { compareBson } from '../storage/bson-order.js';
import { valuesAtPath } from '../storage/documents.js';

/** A find sort as ordered (field, direction) pairs. */
export type SortSpec = ReadonlyArray<readonly [field: string, direction: 1 | -1]>;

/**
 * A find's `sort` as a SortSpec: `$natural` and `$meta` entries are dropped
 * (no meaning here), anything negative is descending. Undefined when empty.
 */
export function parseSort(sort: Document | undefined): SortSpec | undefined {
  if (!sort) return undefined;
  const out: Array<[string, 1 | -1]> = [];
  for (const [field, dir] of Object.entries(sort)) {
    if (field === '$natural' || typeof dir === 'object') continue;
    out.push([field, Number(dir) < 0 ? -1 : 1]);
  }
  return out.length > 0 ? out : undefined;
}

/**
 * Sort documents as mongod does (rather than with mingo's `$sort`, whose
 * cross-type order differs: it puts missing before null and ObjectIds last):
 * BSON order per field, missing = null, and an array field sorts by its
 * smallest element ascending, its largest descending. Stable.
 */
export function sortDocuments(docs: Document[], spec: SortSpec): Document[] {
  const keyed = docs.map((doc) => ({ doc, keys: spec.map(([field, dir]) => sortKey(doc, field, dir)) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < spec.length; i++) {
      const c = compareBson(a.keys[i], b.keys[i]);
      if (c !== 0) return c * (spec[i] as readonly [string, 1 | -1])[1];
    }
    return 0;
  });
  return keyed.map((entry) => entry.doc);
}

/** The value a document sorts by on one field (see sortDocuments). */
export function sortKey(doc: Document, field: string, dir: 1 | -1): unknown {
  const values = valuesAtPath(doc, field);
  let best = values[0];
  for (let i = 1; i < values.length; i++) {
    const c = compareBson(values[i], best);
    if (dir === 1 ? c < 0 : c > 0) best = values[i];
  }
  return best;
}
