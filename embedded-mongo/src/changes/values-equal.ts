import type { Document } from 'bson';

/**
 * True for documents (plain objects), false for arrays, BSON values (ObjectId,
 * Long, Timestamp, Binary, ... all carry `_bsontype`), Dates and primitives.
 *
 * @example
 *   isPlainDocument({ a: 1 }); // true
 *   isPlainDocument(new ObjectId()); // false
 */
export function isPlainDocument(value: unknown): value is Document {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && !('_bsontype' in value);
}

/**
 * Deep equality of BSON values as a document diff needs it: same type and
 * content, field order ignored.
 *
 * @example
 *   valuesEqual({ a: [1, new Date(0)] }, { a: [1, new Date(0)] }); // true
 *   valuesEqual(Long.fromNumber(1), Long.fromNumber(2)); // false
 */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => valuesEqual(v, b[i]));
  }
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (isPlainDocument(a) && isPlainDocument(b)) return documentsEqual(a, b);
  return bsonValuesEqual(a, b);
}

function documentsEqual(a: Document, b: Document): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => key in b && valuesEqual(a[key], b[key]));
}

/** BSON classes: same `_bsontype`, then their own `equals`, else their extended-JSON form. */
function bsonValuesEqual(a: object, b: object): boolean {
  const typeA = (a as { _bsontype?: unknown })._bsontype;
  if (typeA === undefined || typeA !== (b as { _bsontype?: unknown })._bsontype) return false;
  const equals = (a as { equals?: unknown }).equals;
  if (typeof equals === 'function') return equals.call(a, b) === true;
  return JSON.stringify(a) === JSON.stringify(b);
}
