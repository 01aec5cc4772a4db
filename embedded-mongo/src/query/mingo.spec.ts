import type { Document } from 'bson';
import { describe, expect, it } from 'vitest';
import { compileFilter, runPipeline } from './mingo.js';

const docs: Document[] = [
  { _id: 1, sku: 'A', qty: 1 },
  { _id: 2, sku: 'B', qty: 2 },
  { _id: 3, sku: null, qty: 3 },
  { _id: 4, qty: 4 },
  { _id: 5, sku: ['A', 'Z'], qty: 5 },
  { _id: 6, sku: 7, qty: 6 },
];

const ids = (found: Document[]) => found.map((d) => d['_id'] as number);

describe('$in in an aggregation $match (the set lookup find uses)', () => {
  const cases: [string, unknown[]][] = [
    ['strings', ['A', 'B']],
    ['strings and numbers', ['B', 7]],
    ['a list with null (missing and null fields match)', ['A', null]],
    ['an empty list', []],
  ];
  for (const [name, list] of cases) {
    it(`matches what a find filter matches: ${name}`, () => {
      const filter = { sku: { $in: list } };
      const byFind = docs.filter(compileFilter(filter));
      expect(ids(runPipeline(docs, [{ $match: filter }]))).toEqual(ids(byFind));
    });
  }

  it('known answers: arrays match on any element, null matches missing, numbers are not strings', () => {
    expect(ids(runPipeline(docs, [{ $match: { sku: { $in: ['A'] } } }]))).toEqual([1, 5]);
    expect(ids(runPipeline(docs, [{ $match: { sku: { $in: [null] } } }]))).toEqual([3, 4]);
    expect(ids(runPipeline(docs, [{ $match: { sku: { $in: ['7'] } } }]))).toEqual([]);
    expect(runPipeline(docs, [{ $match: { sku: { $in: ['A', 'B'] } } }, { $group: { _id: null, qty: { $sum: '$qty' } } }])).toEqual([{ _id: null, qty: 8 }]);
  });
});
