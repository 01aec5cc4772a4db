import type { Document } from 'bson';
import { encodeKey } from './key-encoding.js';
import { encodeTuple, type IndexStore } from './index-store.js';

/**
 * A transaction's pending writes to one collection (id → new version, or null
 * when deleted), with, per unique index, which pending ids hold which key.
 * Checking a new write against the pending ones is then one map lookup instead
 * of re-encoding every pending document — a day-sized transaction of a few
 * hundred writes would otherwise cost quadratic time.
 */
export class Overlay extends Map<string, Document | null> {
  private readonly keysByIndex = new Map<IndexStore, Map<string, Set<string>>>();

  override set(id: string, doc: Document | null): this {
    for (const [index, keys] of this.keysByIndex) {
      const previous = super.get(id);
      if (previous) for (const key of keysOf(index, previous)) keys.get(key)?.delete(id);
      if (doc) for (const key of keysOf(index, doc)) addTo(keys, key, id);
    }
    return super.set(id, doc);
  }

  /** Ids of pending (not deleted) documents holding `key` in `index`. */
  idsWithKey(index: IndexStore, key: string): ReadonlySet<string> | undefined {
    let keys = this.keysByIndex.get(index);
    if (!keys) {
      // Built on first use, then kept current by `set`.
      keys = new Map();
      for (const [id, doc] of this) if (doc) for (const key of keysOf(index, doc)) addTo(keys, key, id);
      this.keysByIndex.set(index, keys);
    }
    return keys.get(key);
  }
}

function keysOf(index: IndexStore, doc: Document): string[] {
  return index.tuples(doc).map((tuple) => encodeTuple(tuple.map(encodeKey)));
}

function addTo(keys: Map<string, Set<string>>, key: string, id: string): void {
  let ids = keys.get(key);
  if (!ids) keys.set(key, (ids = new Set()));
  ids.add(id);
}
