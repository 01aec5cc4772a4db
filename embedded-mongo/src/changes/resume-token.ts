import { Timestamp, type Document } from 'bson';
import { CommandError, ErrorCode } from '../errors.js';

/**
 * Resume tokens, as opaque to clients as mongod's: `{ _data: <hex string> }`.
 *
 * The hex string is a fixed-width key, so comparing two tokens as strings
 * compares their positions in the change history:
 *
 *   "82" | seconds (8) | increment (8) | kind (2) | index in commit (8) | fromInvalidate (2)
 *
 * `kind` follows mongod: a high-water-mark token (`00`) at time T sorts before
 * every event (`80`) at T, so resuming from it delivers all events with
 * clusterTime >= T. An invalidate token is its triggering event's key with the
 * `fromInvalidate` flag set, so it sorts right after that event.
 */
export interface TokenKey {
  readonly clusterTime: Timestamp;
  readonly highWaterMark: boolean;
  readonly txnOpIndex: number;
  readonly fromInvalidate: boolean;
}

const VERSION = '82';
const EVENT_KIND = '80';
const HIGH_WATER_MARK_KIND = '00';
const TOKEN_PATTERN = /^82([0-9A-F]{8})([0-9A-F]{8})(00|80)([0-9A-F]{8})(00|01)$/;

const hex8 = (n: number): string => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');

/**
 * The key of the `txnOpIndex`-th event of the commit at `clusterTime`.
 *
 * @example
 *   eventKey(new Timestamp({ t: 0x6553f100, i: 1 }), 0); // '826553F10000000001800000000000'
 */
export function eventKey(clusterTime: Timestamp, txnOpIndex: number, fromInvalidate = false): string {
  return VERSION + hex8(clusterTime.t) + hex8(clusterTime.i) + EVENT_KIND + hex8(txnOpIndex) + (fromInvalidate ? '01' : '00');
}

/**
 * A high-water-mark key: "every event before `clusterTime` was seen".
 *
 * @example
 *   highWaterMarkKey(new Timestamp({ t: 5, i: 1 })) < eventKey(new Timestamp({ t: 5, i: 1 }), 0); // true
 */
export function highWaterMarkKey(clusterTime: Timestamp): string {
  return VERSION + hex8(clusterTime.t) + hex8(clusterTime.i) + HIGH_WATER_MARK_KIND + hex8(0) + '00';
}

/**
 * The invalidate key that follows an event key.
 *
 * @example
 *   invalidateKeyOf(eventKey(ts, 2)) === eventKey(ts, 2, true); // true
 */
export function invalidateKeyOf(key: string): string {
  return key.slice(0, -2) + '01';
}

/**
 * The same position without the invalidate flag: the key of the event that
 * caused an invalidate.
 *
 * @example
 *   baseEventKey(eventKey(ts, 2, true)) === eventKey(ts, 2); // true
 */
export function baseEventKey(key: string): string {
  return key.slice(0, -2) + '00';
}

/**
 * The timestamp right after `t`: the first cluster time a future commit can have.
 *
 * @example
 *   nextTimestamp(new Timestamp({ t: 5, i: 1 })); // Timestamp(5, 2)
 */
export function nextTimestamp(t: Timestamp): Timestamp {
  return t.i === 0xffffffff ? new Timestamp({ t: t.t + 1, i: 0 }) : new Timestamp({ t: t.t, i: t.i + 1 });
}

/**
 * Decode a key produced by this module.
 *
 * @example
 *   decodeKey(highWaterMarkKey(ts)).highWaterMark; // true
 */
export function decodeKey(key: string): TokenKey | null {
  const m = TOKEN_PATTERN.exec(key);
  if (!m) return null;
  const [, secs, inc, kind, index, flag] = m as unknown as [string, string, string, string, string, string];
  return {
    clusterTime: new Timestamp({ t: parseInt(secs, 16), i: parseInt(inc, 16) }),
    highWaterMark: kind === HIGH_WATER_MARK_KIND,
    txnOpIndex: parseInt(index, 16),
    fromInvalidate: flag === '01',
  };
}

/**
 * Validate a client-supplied `resumeAfter`/`startAfter` value and return its key.
 * Errors mirror mongod: wrong type, missing `_data`, or a `_data` that is not
 * one of our tokens (e.g. from another server) all reject the request.
 *
 * @example
 *   parseResumeToken({ _data: eventKey(ts, 0) }, 'resumeAfter'); // the key string
 */
export function parseResumeToken(value: unknown, option: string): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CommandError(ErrorCode.TypeMismatch, `BSON field '$changeStream.${option}' is the wrong type '${typeof value}', expected type 'object'`);
  }
  const data: unknown = (value as Document)._data;
  if (typeof data !== 'string') {
    throw new CommandError(ErrorCode.Location40647, 'The change stream resume token has a missing or wrong-typed _data field.');
  }
  const key = data.toUpperCase();
  if (!decodeKey(key)) {
    throw new CommandError(ErrorCode.InvalidResumeToken, `Invalid resume token: '${data}' is not a resume token issued by this server`);
  }
  return key;
}

/**
 * The `{ _data }` document sent to clients.
 *
 * @example
 *   tokenDocument(eventKey(ts, 0)); // { _data: '82...' }
 */
export function tokenDocument(key: string): { _data: string } {
  return { _data: key };
}
