import type { Document } from 'bson';
import { CommandError, ErrorCode } from '../errors.js';
import type { StoredEvent } from './change-history.js';
import type { DocumentLookup } from './change-stream-types.js';
import { invalidateKeyOf, tokenDocument } from './resume-token.js';
import type { StreamSpec } from './stream-spec.js';

/** A change event as sent to clients; `_id` is its resume token. */
export type ChangeEventDocument = Document & { _id: { _data: string } };

/**
 * The change event document mongod would send for a history entry, in
 * mongod's field order. `fullDocument` for updates depends on the stream's
 * `fullDocument` mode: `updateLookup` reads the document as it is NOW (null
 * once deleted), while `whenAvailable`/`required` find no post-image (the
 * history keeps none, as mongod without `changeStreamPreAndPostImages`): null,
 * or an error when required.
 *
 * @example
 *   buildEvent(stored, { fullDocument: 'updateLookup', ... }, lookup);
 *   // { _id: { _data }, operationType: 'update', clusterTime, wallTime, fullDocument, ns, documentKey, updateDescription }
 */
export function buildEvent(event: StoredEvent, spec: StreamSpec, lookup: DocumentLookup): ChangeEventDocument {
  const { entry } = event;
  const doc: ChangeEventDocument = {
    _id: tokenDocument(event.key),
    operationType: entry.op,
    clusterTime: event.clusterTime,
    wallTime: event.wallTime,
  };
  const fullDocument = postImage(event, spec, lookup);
  if (fullDocument !== undefined) doc.fullDocument = fullDocument;
  const preImage = preImageOf(event, spec);
  if (preImage !== undefined) doc.fullDocumentBeforeChange = preImage;
  doc.ns = entry.coll === undefined ? { db: entry.db } : { db: entry.db, coll: entry.coll };
  if (entry.to !== undefined) doc.to = { db: entry.to.db, coll: entry.to.coll };
  if (entry.documentKey !== undefined) doc.documentKey = entry.documentKey;
  if (entry.op === 'update' && entry.updateDescription !== undefined) doc.updateDescription = entry.updateDescription;
  if (entry.txnNumber !== undefined) doc.txnNumber = entry.txnNumber;
  if (entry.lsid !== undefined) doc.lsid = entry.lsid;
  return doc;
}

/**
 * The `invalidate` event that follows `cause` (a drop, rename or dropDatabase);
 * its token is the cause's token flagged `fromInvalidate`, for `startAfter`.
 *
 * @example
 *   buildInvalidate(dropEvent); // { _id: { _data }, operationType: 'invalidate', clusterTime, wallTime }
 */
export function buildInvalidate(cause: StoredEvent): ChangeEventDocument {
  return {
    _id: tokenDocument(invalidateKeyOf(cause.key)),
    operationType: 'invalidate',
    clusterTime: cause.clusterTime,
    wallTime: cause.wallTime,
  };
}

function postImage(event: StoredEvent, spec: StreamSpec, lookup: DocumentLookup): Document | null | undefined {
  const { entry } = event;
  if (entry.op === 'insert' || entry.op === 'replace') return entry.fullDocument;
  if (entry.op !== 'update') return undefined;
  switch (spec.fullDocument) {
    case 'default':
      return undefined;
    case 'updateLookup':
      return entry.coll === undefined ? null : lookup.findById(entry.db, entry.coll, entry.documentKey?._id);
    case 'whenAvailable':
      return entry.fullDocument ?? null;
    case 'required':
      if (entry.fullDocument === undefined) throw missingImage('post-image', event);
      return entry.fullDocument;
  }
}

// No pre-images are recorded: mongod's behaviour for collections without
// `changeStreamPreAndPostImages` (null when optional, an error when required).
function preImageOf(event: StoredEvent, spec: StreamSpec): null | undefined {
  const op = event.entry.op;
  if (spec.fullDocumentBeforeChange === 'off' || (op !== 'update' && op !== 'replace' && op !== 'delete')) return undefined;
  if (spec.fullDocumentBeforeChange === 'required') throw missingImage('pre-image', event);
  return null;
}

function missingImage(image: 'pre-image' | 'post-image', event: StoredEvent): CommandError {
  const events = image === 'pre-image' ? 'update, delete and replace events' : 'update events';
  return new CommandError(
    ErrorCode.NoMatchingDocument,
    `Change stream was configured to require a ${image} for all ${events}, ` + `but the ${image} was not found for event: {_data: "${event.key}"}`,
  );
}
