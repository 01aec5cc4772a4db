import type { Document } from 'bson';
import { isPlainObject } from './key-encoding.js';

/**
 * The `dup key: { email: "a@b.c" }` part of mongod's E11000 message, in its
 * extended-JSON-like shell notation (apps and tests sometimes match on it).
 */
export function formatKeyValue(keyValue: Document): string {
  const parts = Object.entries(keyValue).map(([k, v]) => `${k}: ${formatValue(v)}`);
  return `{ ${parts.join(', ')} }`;
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (Array.isArray(value)) return `[ ${value.map(formatValue).join(', ')} ]`;
  if (isPlainObject(value)) return formatKeyValue(value);
  const bsontype = (value as { _bsontype?: string })._bsontype;
  if (bsontype === 'ObjectId') return `ObjectId('${(value as { toHexString(): string }).toHexString()}')`;
  // What is left are BSON value classes (Long, Decimal128, Timestamp, Binary…): their own toString is the shell's notation.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the type is `{}`, but no plain object gets here (isPlainObject above)
  return String(value);
}
