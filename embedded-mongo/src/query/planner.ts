import type { Document } from 'bson';
import type { Collection } from '../storage/collection.js';
import type { IndexStore } from '../storage/index-store.js';
import { encodeKey, isPlainObject } from '../storage/key-encoding.js';

/** Above this many key combinations an index lookup stops paying off. */
const MAX_LOOKUPS = 1_000;

/**
 * Pick candidate document ids for a filter from `_id` or a secondary index,
 * or null when the collection has to be scanned. Candidates are a superset:
 * the caller still applies the full filter to each.
 */
export function candidateIds(coll: Collection, filter: Document | undefined): string[] | null {
  if (!filter) return null;
  const equalities = equalityKeys(filter);
  if (equalities.size === 0) return null;
  const ids = equalities.get('_id');
  if (ids) return ids;
  const best = bestHashIndex(coll, equalities);
  if (!best) return null;
  const prefixes = product(best.index.fields.slice(0, best.depth).map((f) => equalities.get(f) as string[]));
  if (!prefixes) return null;
  const out = new Set<string>();
  for (const prefix of prefixes) for (const id of best.index.lookup(prefix) ?? []) out.add(id);
  return [...out];
}

/**
 * How many leading index fields the best hash lookup for `filter` pins
 * (Infinity for an `_id` lookup, 0 when it would scan), so the read path can
 * weigh it against an ordered-index walk.
 */
export function equalityDepth(coll: Collection, filter: Document | undefined): number {
  if (!filter) return 0;
  const equalities = equalityKeys(filter);
  if (equalities.size === 0) return 0;
  if (equalities.has('_id')) return Number.POSITIVE_INFINITY;
  return bestHashIndex(coll, equalities)?.depth ?? 0;
}

function bestHashIndex(coll: Collection, equalities: Map<string, string[]>): { index: IndexStore; depth: number } | null {
  let best: { index: IndexStore; depth: number } | null = null;
  for (const index of coll.indexes) {
    if (!index.complete) continue;
    let depth = 0;
    while (depth < index.fields.length && equalities.has(index.fields[depth] as string)) depth++;
    if (depth > 0 && (!best || depth > best.depth)) best = { index, depth };
  }
  return best;
}

/** Fields constrained to one of a few exact values: `{ f: v }`, `{ f: { $eq: v } }`, `{ f: { $in: [...] } }`, inside `$and` too. */
function equalityKeys(filter: Document, out = new Map<string, string[]>()): Map<string, string[]> {
  for (const [field, condition] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(condition)) {
      for (const clause of condition) if (isPlainObject(clause)) equalityKeys(clause, out);
      continue;
    }
    if (field.startsWith('$')) continue;
    const keys = keysOf(condition);
    if (keys) out.set(field, keys);
  }
  return out;
}

function keysOf(condition: unknown): string[] | null {
  if (isPlainObject(condition)) {
    const ops = Object.keys(condition);
    if (ops.length > 0 && ops.every((op) => !op.startsWith('$'))) return indexable(condition) ? [encodeKey(condition)] : null;
    if (ops.includes('$eq')) return keysOf(condition.$eq);
    const values: unknown = condition.$in;
    if (Array.isArray(values) && values.length <= MAX_LOOKUPS && values.every(indexable)) return values.map(encodeKey);
    return null;
  }
  return indexable(condition) ? [encodeKey(condition)] : null;
}

/**
 * Values whose equality match is exactly "the index holds this key": not null
 * (also matches missing fields), not arrays (whole-array equality), not regexes.
 */
function indexable(value: unknown): boolean {
  if (value === null || value === undefined || Array.isArray(value) || value instanceof RegExp) return false;
  if (isPlainObject(value)) return Object.keys(value).every((k) => !k.startsWith('$')) && Object.values(value).every((v) => !Array.isArray(v));
  return true;
}

function product(lists: string[][]): string[][] | null {
  let out: string[][] = [[]];
  for (const list of lists) {
    out = out.flatMap((prefix) => list.map((key) => [...prefix, key]));
    if (out.length > MAX_LOOKUPS) return null;
  }
  return out;
}
