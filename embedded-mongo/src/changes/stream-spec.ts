import { Timestamp, type Document } from 'bson';
import { CommandError, ErrorCode } from '../errors.js';
import { decodeKey, parseResumeToken } from './resume-token.js';

export type FullDocumentMode = 'default' | 'updateLookup' | 'whenAvailable' | 'required';
export type FullDocumentBeforeChangeMode = 'off' | 'whenAvailable' | 'required';

/** Where a new stream starts reading the history. */
export type StartPoint =
  | { readonly kind: 'now' }
  | { readonly kind: 'resumeAfter' | 'startAfter'; readonly key: string }
  | { readonly kind: 'startAtOperationTime'; readonly time: Timestamp };

/** The validated options of a `$changeStream` stage. */
export interface StreamSpec {
  readonly fullDocument: FullDocumentMode;
  readonly fullDocumentBeforeChange: FullDocumentBeforeChangeMode;
  readonly start: StartPoint;
}

const FULL_DOCUMENT_MODES: readonly FullDocumentMode[] = ['default', 'updateLookup', 'whenAvailable', 'required'];
const BEFORE_CHANGE_MODES: readonly FullDocumentBeforeChangeMode[] = ['off', 'whenAvailable', 'required'];

// The stage's fields as mongod's IDL declares them; anything else is rejected.
const BOOLEAN_FIELDS = new Set([
  'allChangesForCluster',
  'showExpandedEvents',
  'showSystemEvents',
  'showMigrationEvents',
  'showRawUpdateDescription',
  'allowToRunOnConfigDB',
  'allowToRunOnSystemNS',
]);
const OTHER_FIELDS = new Set(['resumeAfter', 'startAfter', 'startAtOperationTime', 'fullDocument', 'fullDocumentBeforeChange']);

/**
 * Validate the `$changeStream` stage options, with mongod's checks and codes.
 *
 * @example
 *   parseStreamSpec({ fullDocument: 'updateLookup' }); // { fullDocument: 'updateLookup', start: { kind: 'now' }, ... }
 */
export function parseStreamSpec(spec: Document): StreamSpec {
  checkFields(spec);
  return {
    fullDocument: parseEnum(spec, 'fullDocument', FULL_DOCUMENT_MODES, 'default'),
    fullDocumentBeforeChange: parseEnum(spec, 'fullDocumentBeforeChange', BEFORE_CHANGE_MODES, 'off'),
    start: parseStartPoint(spec),
  };
}

function checkFields(spec: Document): void {
  for (const [field, value] of Object.entries(spec)) {
    // `$_`-prefixed fields are mongod-internal options a router may pass on; accept them.
    if (field.startsWith('$_') || OTHER_FIELDS.has(field)) continue;
    if (!BOOLEAN_FIELDS.has(field)) {
      throw new CommandError(ErrorCode.Location40415, `BSON field '$changeStream.${field}' is an unknown field.`);
    }
    if (typeof value !== 'boolean') throw wrongType(field, value, 'bool');
  }
}

function parseEnum<T extends string>(spec: Document, field: string, allowed: readonly T[], fallback: T): T {
  const value: unknown = spec[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') throw wrongType(field, value, 'string');
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CommandError(ErrorCode.BadValue, `Enumeration value '${value}' for field '$changeStream.${field}' is not a valid value.`);
  }
  return value as T;
}

function parseStartPoint(spec: Document): StartPoint {
  const { resumeAfter, startAfter, startAtOperationTime } = spec;
  if (resumeAfter !== undefined && startAfter !== undefined) {
    throw new CommandError(ErrorCode.Location50865, "Do not specify both 'resumeAfter' and 'startAfter' in a $changeStream stage");
  }
  const tokenOption = resumeAfter !== undefined ? 'resumeAfter' : startAfter !== undefined ? 'startAfter' : null;
  const key = tokenOption === null ? null : parseResumeToken(spec[tokenOption], tokenOption);
  if (startAtOperationTime !== undefined) {
    if (!(startAtOperationTime instanceof Timestamp)) throw wrongType('startAtOperationTime', startAtOperationTime, 'timestamp');
    if (key !== null) {
      throw new CommandError(ErrorCode.Location40674, 'Only one type of resume option is allowed, but multiple were found');
    }
    return { kind: 'startAtOperationTime', time: startAtOperationTime };
  }
  if (tokenOption === null || key === null) return { kind: 'now' };
  if (tokenOption === 'resumeAfter' && decodeKey(key)?.fromInvalidate) {
    throw new CommandError(
      ErrorCode.InvalidResumeToken,
      "Attempting to resume a change stream using 'resumeAfter' is not allowed from an invalidate notification",
    );
  }
  return { kind: tokenOption, key };
}

function wrongType(field: string, value: unknown, expected: string): CommandError {
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return new CommandError(ErrorCode.TypeMismatch, `BSON field '$changeStream.${field}' is the wrong type '${actual}', expected type '${expected}'`);
}
