import type { Document } from 'bson';

/**
 * Canonical string encoding of BSON values for hash indexes. Values mongod
 * considers equal in an index must encode alike: 5 (int32), 5.0 (double) and
 * 5 (int64) are one key; a missing field and null are one key (that is why two
 * documents without a uniquely indexed field collide, as on mongod).
 */
/** The encoding of an empty array as an index key (the only symbol we produce): mongod indexes `[]` as `undefined`, not null. */
export const EMPTY_ARRAY_KEY = 'u';

export function encodeKey(value: unknown): string {
  if (value === null || value === undefined) return 'z';
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? 'n0' : `n${String(value)}`;
    case 'string':
      return `s${value}`;
    case 'boolean':
      return value ? 'b1' : 'b0';
    case 'bigint':
      return `n${value.toString()}`;
    case 'object':
      return encodeObject(value);
    case 'symbol':
      return EMPTY_ARRAY_KEY;
    default:
      // Only a function gets here (undefined returned above): its key is its source text.
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- TypeScript leaves the type at `{}`, but no object reaches this branch
      return `?${String(value)}`;
  }
}

export function isPlainObject(value: unknown): value is Document {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function encodeObject(value: object): string {
  if (value instanceof Date) return `d${value.getTime()}`;
  if (value instanceof RegExp) return `r${String(value)}`;
  if (Array.isArray(value)) return `a${JSON.stringify(value.map(encodeKey))}`;
  if (isPlainObject(value)) {
    // Embedded documents compare field by field, in order, as in mongod.
    return `O${JSON.stringify(Object.entries(value).map(([k, v]) => [k, encodeKey(v)]))}`;
  }
  const bsontype = (value as { _bsontype?: string })._bsontype;
  switch (bsontype) {
    case 'ObjectId':
      return objectIdKey((value as { id: Uint8Array }).id);
    case 'Long':
    case 'Int32':
    case 'Double':
      return `n${(value as { toNumber?(): number; valueOf(): number }).toNumber?.() ?? Number(value.valueOf())}`;
    case 'Binary': {
      // Subtype and bytes, without bson's toJSON (this runs for every session id of every retryable write).
      const binary = value as { sub_type: number; buffer: Uint8Array; position: number };
      const bytes = Buffer.from(binary.buffer.buffer, binary.buffer.byteOffset, binary.position);
      return `x${binary.sub_type}:${bytes.toString('base64')}`;
    }
    default:
      return `${bsontype ?? 'object'}:${JSON.stringify(value)}`;
  }
}

const OBJECT_ID_KEY = Buffer.alloc(25, 0x6f); // 'o' + 24 hex digits
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');

/**
 * `o<hex>` as one flat string. bson's `toHexString()` joins twelve two-digit
 * pieces, a rope V8 keeps as eleven cons strings (~230 bytes); ObjectId keys
 * are held by the `_id` index and every index entry for as long as the
 * document lives, so they are built flat (40 bytes).
 */
function objectIdKey(bytes: Uint8Array): string {
  for (let i = 0; i < 12; i++) {
    const byte = bytes[i] as number;
    OBJECT_ID_KEY[1 + 2 * i] = HEX_DIGITS[byte >> 4] as number;
    OBJECT_ID_KEY[2 + 2 * i] = HEX_DIGITS[byte & 15] as number;
  }
  return OBJECT_ID_KEY.toString('latin1', 0, 25);
}
