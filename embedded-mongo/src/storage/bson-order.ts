import { isPlainObject } from './key-encoding.js';

/**
 * MongoDB's total order over BSON values (the "BSON comparison order" that
 * sorts and indexes use): MinKey < null (and missing) < numbers < strings <
 * objects < arrays < BinData < ObjectId < booleans < dates < timestamps <
 * regexes < MaxKey. Numbers of every type compare by value.
 *
 * Known difference: strings compare by UTF-16 code unit (JavaScript's `<`),
 * mongod by UTF-8 byte; the two orders differ only between characters above
 * U+FFFF and those in U+E000–U+FFFF.
 */
export function compareBson(a: unknown, b: unknown): number {
  const rankA = typeRank(a);
  const rankB = typeRank(b);
  if (rankA !== rankB) return rankA < rankB ? -1 : 1;
  if (a instanceof TypeBound || b instanceof TypeBound) return boundOrder(a) - boundOrder(b);
  switch (rankA) {
    case Rank.Number:
      return compareNumbers(toNumber(a), toNumber(b));
    case Rank.String:
      return cmp(String(a), String(b));
    case Rank.Object:
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>);
    case Rank.Array:
      return compareArrays(a as unknown[], b as unknown[]);
    case Rank.BinData:
      return compareBinary(a as BinaryLike, b as BinaryLike);
    case Rank.ObjectId:
      return compareObjectIds(a as ObjectIdLike, b as ObjectIdLike);
    case Rank.Boolean:
      return cmp(Number(a), Number(b));
    case Rank.Date:
      return cmp((a as Date).getTime(), (b as Date).getTime());
    case Rank.Timestamp:
      return (a as { compare(other: unknown): number }).compare(b);
    case Rank.Regex:
      return cmp(regexParts(a)[0], regexParts(b)[0]) || cmp(regexParts(a)[1], regexParts(b)[1]);
    default:
      return 0;
  }
}

/** Type brackets in MongoDB's order (gaps left for sentinels). */
export const Rank = {
  MinKey: 0,
  /** Only in sort keys: an empty array sorts before null. */
  EmptyArray: 1,
  Null: 2,
  Number: 3,
  String: 4,
  Object: 5,
  Array: 6,
  BinData: 7,
  ObjectId: 8,
  Boolean: 9,
  Date: 10,
  Timestamp: 11,
  Regex: 12,
  Code: 13,
  MaxKey: 14,
} as const;

/**
 * The lowest (`high: false`) or highest (`high: true`) possible value of one
 * type bracket, for index range bounds: `{ $gt: 'b' }` only matches strings,
 * so its scan ends at the top of the string bracket.
 */
export class TypeBound {
  constructor(
    readonly rank: number,
    readonly high: boolean,
  ) {}
}

/** A value's type bracket; missing (undefined) is null, as in indexes and sorts. */
export function typeRank(value: unknown): number {
  if (value === null || value === undefined) return Rank.Null;
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return Rank.Number;
    case 'string':
      return Rank.String;
    case 'boolean':
      return Rank.Boolean;
    case 'symbol':
      return Rank.EmptyArray;
    case 'object':
      break;
    default:
      return Rank.MaxKey;
  }
  if (value instanceof TypeBound) return value.rank;
  if (Array.isArray(value)) return Rank.Array;
  if (value instanceof Date) return Rank.Date;
  if (value instanceof RegExp) return Rank.Regex;
  if (isPlainObject(value)) return Rank.Object;
  switch ((value as { _bsontype?: string })._bsontype) {
    case 'ObjectId':
      return Rank.ObjectId;
    case 'Long':
    case 'Int32':
    case 'Double':
    case 'Decimal128':
      return Rank.Number;
    case 'BSONSymbol':
      return Rank.String;
    case 'Binary':
      return Rank.BinData;
    case 'Timestamp':
      return Rank.Timestamp;
    case 'BSONRegExp':
      return Rank.Regex;
    case 'Code':
      return Rank.Code;
    case 'MinKey':
      return Rank.MinKey;
    case 'MaxKey':
      return Rank.MaxKey;
    default:
      // DBRef and other document-like values compare as embedded documents.
      return Rank.Object;
  }
}

function boundOrder(value: unknown): number {
  if (!(value instanceof TypeBound)) return 0;
  return value.high ? 1 : -1;
}

function cmp(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** NaN sorts below every other number, as in mongod. */
function compareNumbers(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return cmp(a, b);
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const v = value as { _bsontype?: string; toNumber?(): number; toString(): string; valueOf(): unknown };
  if (v._bsontype === 'Long') return (v.toNumber as () => number).call(v);
  if (v._bsontype === 'Decimal128') return Number(v.toString());
  return Number(v.valueOf());
}

/** Embedded documents compare field by field: type bracket, then name, then value; then length. */
function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  const n = Math.min(keysA.length, keysB.length);
  for (let i = 0; i < n; i++) {
    const ka = keysA[i] as string;
    const kb = keysB[i] as string;
    const byType = typeRank(a[ka]) - typeRank(b[kb]);
    if (byType !== 0) return byType < 0 ? -1 : 1;
    const byName = cmp(ka, kb);
    if (byName !== 0) return byName;
    const byValue = compareBson(a[ka], b[kb]);
    if (byValue !== 0) return byValue;
  }
  return cmp(keysA.length, keysB.length);
}

function compareArrays(a: unknown[], b: unknown[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareBson(a[i], b[i]);
    if (c !== 0) return c;
  }
  return cmp(a.length, b.length);
}

interface ObjectIdLike {
  toHexString(): string;
  i0?: number;
  i1?: number;
  i2?: number;
  i3?: number;
}

/**
 * ObjectIds compare by their 12 bytes. bson 7 keeps them as four 24-bit
 * integers (i0..i3, big-endian order), which compare like the bytes without
 * building hex strings (measurable in index maintenance); any other shape
 * falls back to the hex form.
 */
function compareObjectIds(a: ObjectIdLike, b: ObjectIdLike): number {
  if (typeof a.i0 === 'number' && typeof b.i0 === 'number' && typeof a.i3 === 'number' && typeof b.i3 === 'number') {
    return cmp(a.i0, b.i0) || cmp(a.i1 as number, b.i1 as number) || cmp(a.i2 as number, b.i2 as number) || cmp(a.i3, b.i3);
  }
  return cmp(a.toHexString(), b.toHexString());
}

interface BinaryLike {
  sub_type: number;
  buffer: Uint8Array;
  position?: number;
}

/** BinData: length first, then subtype, then bytes. */
function compareBinary(a: BinaryLike, b: BinaryLike): number {
  const bytesA = a.buffer.subarray(0, a.position ?? a.buffer.length);
  const bytesB = b.buffer.subarray(0, b.position ?? b.buffer.length);
  return cmp(bytesA.length, bytesB.length) || cmp(a.sub_type, b.sub_type) || Buffer.compare(bytesA, bytesB);
}

function regexParts(value: unknown): [string, string] {
  if (value instanceof RegExp) return [value.source, value.flags];
  const v = value as { pattern: string; options: string };
  return [v.pattern, v.options];
}
