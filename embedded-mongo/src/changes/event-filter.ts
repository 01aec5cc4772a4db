import { CommandError, ErrorCode } from '../errors.js';
import type { ChangeStreamRequest } from './change-stream-types.js';
import type { ChangeEntry } from './change-types.js';

/** What a stream watches. */
export type StreamScope =
  | { readonly kind: 'collection'; readonly db: string; readonly coll: string }
  | { readonly kind: 'database'; readonly db: string }
  | { readonly kind: 'cluster' };

/** What a stream does with one history entry: show it, and/or end with an invalidate. */
export interface Classification {
  readonly show: boolean;
  readonly invalidate: boolean;
}

const SKIP: Classification = { show: false, invalidate: false };
const SHOW: Classification = { show: true, invalidate: false };
const SHOW_AND_INVALIDATE: Classification = { show: true, invalidate: true };
const INVALIDATE_ONLY: Classification = { show: false, invalidate: true };

// mongod never reports changes in these databases to db or cluster streams.
const INTERNAL_DBS = new Set(['admin', 'config', 'local']);

const isSystem = (coll: string | undefined): boolean => coll !== undefined && coll.startsWith('system.');

/**
 * The scope of a `$changeStream` request, rejecting the namespaces mongod rejects.
 *
 * @example
 *   resolveScope({ db: 'admin', spec: { allChangesForCluster: true }, pipeline: [] }); // { kind: 'cluster' }
 */
export function resolveScope(request: ChangeStreamRequest): StreamScope {
  const { db, coll } = request;
  const ns = coll === undefined ? `${db}.$cmd.aggregate` : `${db}.${coll}`;
  if (request.spec.allChangesForCluster === true) {
    if (db !== 'admin' || coll !== undefined) {
      throw new CommandError(
        ErrorCode.InvalidOptions,
        `A $changeStream with 'allChangesForCluster:true' may only be opened on the 'admin' database, and with no collection name; found ${ns}`,
      );
    }
    return { kind: 'cluster' };
  }
  if (INTERNAL_DBS.has(db)) {
    throw new CommandError(ErrorCode.InvalidNamespace, `$changeStream may not be opened on the internal ${db} database`);
  }
  if (coll === undefined) return { kind: 'database', db };
  if (isSystem(coll)) {
    throw new CommandError(ErrorCode.InvalidNamespace, `$changeStream may not be opened on the internal ${ns} collection`);
  }
  return { kind: 'collection', db, coll };
}

/**
 * How a stream treats a history entry. A collection stream is invalidated by
 * the drop or rename of its collection (either side of the rename) and by the
 * drop of its database; a database stream by `dropDatabase`; a cluster stream
 * never. Writes to `system.*` collections and internal databases are hidden.
 *
 * @example
 *   classify({ kind: 'collection', db: 'a', coll: 'b' }, { db: 'a', coll: 'b', op: 'drop' }); // show + invalidate
 */
export function classify(scope: StreamScope, entry: ChangeEntry): Classification {
  switch (scope.kind) {
    case 'collection':
      return classifyForCollection(scope.db, scope.coll, entry);
    case 'database':
      return classifyForDatabase(scope.db, entry);
    case 'cluster':
      return classifyForCluster(entry);
  }
}

function classifyForCollection(db: string, coll: string, entry: ChangeEntry): Classification {
  const here = entry.db === db && entry.coll === coll;
  switch (entry.op) {
    case 'dropDatabase':
      // mongod drops each collection first (drop + invalidate); this covers a
      // storage layer that reports only the dropDatabase.
      return entry.db === db ? INVALIDATE_ONLY : SKIP;
    case 'drop':
      return here ? SHOW_AND_INVALIDATE : SKIP;
    case 'rename':
      return here || (entry.to?.db === db && entry.to.coll === coll) ? SHOW_AND_INVALIDATE : SKIP;
    default:
      return here ? SHOW : SKIP;
  }
}

function classifyForDatabase(db: string, entry: ChangeEntry): Classification {
  switch (entry.op) {
    case 'dropDatabase':
      return entry.db === db ? SHOW_AND_INVALIDATE : SKIP;
    case 'rename': {
      const from = entry.db === db && !isSystem(entry.coll);
      const to = entry.to !== undefined && entry.to.db === db && !isSystem(entry.to.coll);
      return from || to ? SHOW : SKIP;
    }
    default:
      return entry.db === db && !isSystem(entry.coll) ? SHOW : SKIP;
  }
}

function classifyForCluster(entry: ChangeEntry): Classification {
  const visible = (db: string, coll: string | undefined): boolean => !INTERNAL_DBS.has(db) && !isSystem(coll);
  if (entry.op === 'rename') {
    return visible(entry.db, entry.coll) || (entry.to !== undefined && visible(entry.to.db, entry.to.coll)) ? SHOW : SKIP;
  }
  return visible(entry.db, entry.coll) ? SHOW : SKIP;
}
