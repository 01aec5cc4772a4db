import { ObjectId, type Document } from 'bson';
import { EMPTY_ARRAY_KEY, isPlainObject } from './key-encoding.js';

/**
 * Deep copy of plain objects and arrays; BSON value objects (ObjectId, Date,
 * Binary, ...) are shared, since nothing mutates them. Stored documents are
 * immutable versions: a write copies, changes the copy and stores it.
 */
export function cloneDoc<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => cloneDoc(v)) as T;
  if (isPlainObject(value)) {
    const out: Document = {};
    for (const [key, field] of Object.entries<unknown>(value)) out[key] = cloneDoc(field);
    return out as T;
  }
  return value;
}

/** mongod stores `_id` first and generates an ObjectId when it is missing. */
export function withIdFirst(doc: Document): Document {
  if (!('_id' in doc)) return { _id: new ObjectId(), ...doc };
  if (Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest }: { _id?: unknown } & Document = doc;
  return { _id, ...rest };
}

/** Marker for "path leads into an empty array", which mongod indexes as undefined, not null. */
export const EMPTY_ARRAY: unique symbol = Symbol(EMPTY_ARRAY_KEY);

/**
 * All values at a dotted path, expanding arrays like a multikey index does:
 * `{ a: [{ b: 1 }, { b: 2 }] }` at `a.b` gives `[1, 2]`; a missing field gives `[undefined]`.
 */
export function valuesAtPath(doc: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  collect(doc, path.split('.'), 0, out);
  return out;
}

function collect(value: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    if (!Array.isArray(value)) out.push(value);
    else if (value.length === 0) out.push(EMPTY_ARRAY);
    else out.push(...(value as unknown[]));
    return;
  }
  const part = parts[i] as string;
  if (Array.isArray(value)) {
    if (/^\d+$/.test(part)) return collect(value[Number(part)], parts, i + 1, out);
    if (value.length === 0) out.push(undefined);
    for (const element of value) collect(isPlainObject(element) ? element[part] : undefined, parts, i + 1, out);
    return;
  }
  collect(isPlainObject(value) ? value[part] : undefined, parts, i + 1, out);
}

/** Value at a dotted path without array expansion (for building upsert documents and sort keys). */
export function getPath(doc: Document, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (!isPlainObject(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Set a dotted path, creating intermediate documents. */
export function setPath(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let current: Document = doc;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(current[part])) current[part] = {};
    current = current[part] as Document;
  }
  current[parts[parts.length - 1] as string] = value;
}
