import type { Document } from 'bson';
import { buildQuery } from './mingo.js';
import { describe, expect, it } from 'vitest';
import { simpleProjection } from './projection.js';

/** mingo's projection as the engine applies it (with `_id` moved first, as read.ts does). */
function mingoProject(doc: Document, spec: Document): Document {
  const [out] = buildQuery({}).find<Document>([doc], spec).all();
  if (!out || !('_id' in out)) return out ?? {};
  const { _id, ...rest } = out;
  return { _id, ...rest };
}

const docs: Document[] = [
  { _id: 'k', sku: 'A', day: '2026-01-01', demand: 3, nested: { x: 1 }, list: [1, 2] },
  { day: 'd', sku: 'B', _id: 7, flag: false, nothing: null },
  { sku: 'no-id', demand: 0 },
];

const specs: Document[] = [
  { sku: 1, day: 1 },
  { day: 1, sku: 1, _id: 0 },
  { demand: true, _id: false },
  { nested: 1, missing: 1 },
  { sku: 0 },
  { sku: 0, day: 0, _id: 0 },
  { _id: 0 },
  { _id: 1 },
  { list: 2 },
];

describe('simpleProjection', () => {
  it("keeps the fields mingo keeps, in the document's order with _id first (mingo sorts them by name; mongod keeps document order)", () => {
    for (const spec of specs) {
      const fast = simpleProjection(spec);
      expect(fast, JSON.stringify(spec)).not.toBeNull();
      for (const doc of docs) {
        const got = fast!(doc);
        const want = mingoProject(doc, spec);
        expect({ spec, got }).toEqual({ spec, got: want }); // same fields and values (key order aside)
        const inDocumentOrder = Object.keys(doc)
          .filter((key) => key in want)
          .sort((a, b) => (a === '_id' ? -1 : b === '_id' ? 1 : 0));
        expect({ spec, keys: Object.keys(got) }).toEqual({ spec, keys: inDocumentOrder });
      }
    }
  });

  it('leaves dotted paths, operators, expressions and mixed modes to mingo', () => {
    for (const spec of [{ 'nested.x': 1 }, { list: { $slice: 1 } }, { a: '$sku' }, { sku: 1, day: 0 }, { $where: 1 }]) {
      expect(simpleProjection(spec as Document), JSON.stringify(spec)).toBeNull();
    }
  });
});
