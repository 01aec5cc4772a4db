import { ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { IndexStore } from './index-store.js';
import { encodeKey } from './key-encoding.js';
import { createQueryMetrics } from './metrics.js';

const docs = new Map<string, { _id: string; sku: string; qty: number }>();
const index = new IndexStore({ v: 2, key: { sku: 1, qty: 1 }, name: 'sku_1_qty_1' }, createQueryMetrics(), (id) => docs.get(id));
const put = (id: string, sku: string, qty: number) => {
  const doc = { _id: id, sku, qty };
  docs.set(id, doc);
  index.add(id, doc);
  return doc;
};
const ids = (...prefix: unknown[]) => [...(index.lookup(prefix.map(encodeKey)) ?? [])].sort();

describe('IndexStore postings', () => {
  it('keeps one id per key inline and a set once a key is shared, through adds and removes', () => {
    const a = put('a', 'X', 1);
    expect(ids('X')).toEqual(['a']);
    const b = put('b', 'X', 2);
    const c = put('c', 'X', 1);
    expect(ids('X')).toEqual(['a', 'b', 'c']);
    expect(ids('X', 1)).toEqual(['a', 'c']);
    expect(ids('X', 2)).toEqual(['b']);
    index.remove('a', a);
    expect(ids('X')).toEqual(['b', 'c']);
    expect(ids('X', 1)).toEqual(['c']);
    index.remove('c', c);
    expect(ids('X', 1)).toEqual([]);
    expect(ids('X')).toEqual(['b']);
    index.remove('b', b);
    expect(index.lookup([encodeKey('X')])).toBeUndefined();
    put('b', 'X', 2);
    expect(ids('X', 2)).toEqual(['b']);
  });
});

describe('encodeKey', () => {
  it('encodes an ObjectId as o + its hex digits, equal for equal ids', () => {
    const id = new ObjectId();
    expect(encodeKey(id)).toBe(`o${id.toHexString()}`);
    expect(encodeKey(new ObjectId(id.toHexString()))).toBe(encodeKey(id));
    expect(encodeKey(new ObjectId())).not.toBe(encodeKey(id));
  });
});
