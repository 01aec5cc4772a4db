import { Decimal128, Long, ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { describeUpdate } from './update-description.js';
import { valuesEqual } from './values-equal.js';

describe('describeUpdate', () => {
  it('reports new and changed top-level fields, never _id', () => {
    expect(describeUpdate({ _id: 1, a: 1, b: 'x' }, { _id: 2, a: 2, b: 'x', c: true })).toEqual({
      updatedFields: { a: 2, c: true },
      removedFields: [],
      truncatedArrays: [],
    });
  });

  it('reports nested changes by dotted path', () => {
    const before = { _id: 1, a: { b: 1, c: { d: 1, e: 1 } } };
    const after = { _id: 1, a: { b: 2, c: { d: 1, e: 5, f: 6 } } };
    expect(describeUpdate(before, after).updatedFields).toEqual({ 'a.b': 2, 'a.c.e': 5, 'a.c.f': 6 });
  });

  it('lists removed fields by dotted path, including nested $unset', () => {
    const d = describeUpdate({ _id: 1, a: { b: 1, c: 2 }, z: 0 }, { _id: 1, a: { c: 2 } });
    expect(d.removedFields).toEqual(['a.b', 'z']);
    expect(d.updatedFields).toEqual({});
  });

  it('replaces a value whose type changed as a whole', () => {
    expect(describeUpdate({ _id: 1, a: { b: 1 } }, { _id: 1, a: 5 }).updatedFields).toEqual({ a: 5 });
    expect(describeUpdate({ _id: 1, a: [1] }, { _id: 1, a: { 0: 1 } }).updatedFields).toEqual({ a: { 0: 1 } });
  });

  it('reports appended array elements by index, like $push', () => {
    const d = describeUpdate({ _id: 1, tags: ['a', 'b'] }, { _id: 1, tags: ['a', 'b', 'c', 'd'] });
    expect(d.updatedFields).toEqual({ 'tags.2': 'c', 'tags.3': 'd' });
  });

  it('reports a single element changed in place, recursing into it', () => {
    const before = {
      _id: 1,
      items: [
        { sku: 'x', qty: 1 },
        { sku: 'y', qty: 1 },
      ],
    };
    const after = {
      _id: 1,
      items: [
        { sku: 'x', qty: 1 },
        { sku: 'y', qty: 3 },
      ],
    };
    expect(describeUpdate(before, after).updatedFields).toEqual({ 'items.1.qty': 3 });
    expect(describeUpdate({ _id: 1, n: [1, 2, 3] }, { _id: 1, n: [1, 9, 3] }).updatedFields).toEqual({ 'n.1': 9 });
  });

  it('replaces the whole array for removals and multi-element changes', () => {
    expect(describeUpdate({ _id: 1, n: [1, 2, 3] }, { _id: 1, n: [1, 3] }).updatedFields).toEqual({ n: [1, 3] });
    expect(describeUpdate({ _id: 1, n: [1, 2, 3] }, { _id: 1, n: [3, 2, 1] }).updatedFields).toEqual({ n: [3, 2, 1] });
    expect(describeUpdate({ _id: 1, n: [1, 2] }, { _id: 1, n: [0, 1, 2] }).updatedFields).toEqual({ n: [0, 1, 2] });
    expect(describeUpdate({ _id: 1, n: [1, 2] }, { _id: 1, n: [1, 2] }).truncatedArrays).toEqual([]);
  });

  it('compares BSON values by content', () => {
    const id = new ObjectId();
    const before = { _id: 1, ref: id, n: Long.fromNumber(5), d: new Date(1000), p: Decimal128.fromString('1.5') };
    const same = { _id: 1, ref: new ObjectId(id.toHexString()), n: Long.fromNumber(5), d: new Date(1000), p: Decimal128.fromString('1.5') };
    expect(describeUpdate(before, same)).toEqual({ updatedFields: {}, removedFields: [], truncatedArrays: [] });
    const changed = { ...same, n: Long.fromNumber(6), d: new Date(2000) };
    expect(Object.keys(describeUpdate(before, changed).updatedFields)).toEqual(['n', 'd']);
  });
});

describe('valuesEqual', () => {
  it('ignores field order but not types', () => {
    expect(valuesEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(valuesEqual({ a: 1 }, { a: '1' })).toBe(false);
    expect(valuesEqual([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(valuesEqual(Number.NaN, Number.NaN)).toBe(true);
    expect(valuesEqual(new ObjectId(), new ObjectId())).toBe(false);
    expect(valuesEqual(null, undefined)).toBe(false);
  });
});
