import type { Document } from 'bson';
import { buildQuery, compileFilter, translateErrors } from '../query/mingo.js';
import { ErrorCode } from '../errors.js';
import { simpleProjection } from '../query/projection.js';
import { parseSort, sortDocuments } from '../query/sort.js';
import type { StoreView } from '../storage/view.js';

export interface FindSpec {
  filter?: Document;
  sort?: Document;
  skip?: number;
  limit?: number;
  projection?: Document;
}

/**
 * Matching documents, lazily. Candidates come from one of three sources:
 * - an ordered-index walk, already in sort order (or bounded by a range);
 * - without a fitting walk but with a sort: all matches, sorted in mongod's
 *   BSON order (`sortDocuments`);
 * - otherwise the view's candidates (hash index pick or scan).
 * mingo filters and projects; skip and limit are applied here, lazily, so a
 * limited query stops reading candidates early.
 */
export function findDocs(view: StoreView, db: string, coll: string, spec: FindSpec): Iterable<Document> {
  const filter = spec.filter ?? {};
  const query = buildQuery(filter);
  const projection = spec.projection && Object.keys(spec.projection).length > 0 ? spec.projection : undefined;
  const fast = projection ? simpleProjection(projection) : null;
  const mingoProjection = fast ? undefined : projection;
  const sort = parseSort(spec.sort);
  return translateErrors(() => {
    const window = spec.limit ? (spec.skip ?? 0) + spec.limit : 0;
    const walk = view.sortedCandidates(db, coll, filter, sort, window);
    let cursor: { next(): Document | undefined };
    if (walk || !sort) {
      cursor = query.find<Document>(walk ?? view.candidates(db, coll, filter), mingoProjection ?? {});
    } else {
      const matches: Document[] = [];
      for (const doc of view.candidates(db, coll, filter)) if (query.test(doc)) matches.push(doc);
      cursor = buildQuery({}).find<Document>(sortDocuments(matches, sort), mingoProjection ?? {});
    }
    // Skip and limit here, not with mingo's cursor: its limit is a filter that keeps pulling (and
    // filtering) the whole source after the limit is reached, which defeats stopping early.
    const docs = slice(drain(cursor), spec.skip ?? 0, spec.limit ?? 0);
    if (fast) return mapDocs(docs, fast);
    return mingoProjection ? idFirst(docs) : docs;
  }, ErrorCode.BadValue);
}

/** mingo's cursor as a standard iterable (its iterator types differ from the built-in ones). */
function* drain(cursor: { next(): Document | undefined }): Generator<Document> {
  for (;;) {
    const doc = cursor.next();
    if (doc === undefined) return;
    yield doc;
  }
}

/** Skip `skip` documents, then yield at most `limit` (0 = no limit) and stop pulling the source. */
function* slice(docs: Iterable<Document>, skip: number, limit: number): Generator<Document> {
  let skipped = 0;
  let taken = 0;
  for (const doc of docs) {
    if (skipped < skip) {
      skipped++;
      continue;
    }
    yield doc;
    // Return right after the last one: the cursor's look-ahead must not pull the source again.
    if (limit > 0 && ++taken === limit) return;
  }
}

function* mapDocs(docs: Iterable<Document>, fn: (doc: Document) => Document): Generator<Document> {
  for (const doc of docs) yield fn(doc);
}

/** mingo's projection appends `_id` last; mongod returns it first. */
function* idFirst(docs: Iterable<Document>): Generator<Document> {
  for (const doc of docs) {
    if (!('_id' in doc) || Object.keys(doc)[0] === '_id') yield doc;
    else {
      const { _id, ...rest }: { _id?: unknown } & Document = doc;
      yield { _id, ...rest };
    }
  }
}

/**
 * Documents a write targets, collected before writing (writes change what the
 * view iterates). `multi: false` stops at the first match, or the first in
 * `sort` order (findAndModify).
 */
export function matchForWrite(view: StoreView, db: string, coll: string, filter: Document, multi: boolean, sort?: Document): Document[] {
  if (sort && Object.keys(sort).length > 0) return [...findDocs(view, db, coll, { filter, sort, limit: multi ? 0 : 1 })];
  const matches = compileFilter(filter);
  const out: Document[] = [];
  for (const doc of view.candidates(db, coll, filter)) {
    if (!matches(doc)) continue;
    out.push(doc);
    if (!multi) break;
  }
  return out;
}

/** Apply a find-style projection to one document. */
export function project(doc: Document | null, projection: Document | undefined): Document | null {
  if (!doc || !projection || Object.keys(projection).length === 0) return doc;
  const fast = simpleProjection(projection);
  if (fast) return fast(doc);
  const [projected] = idFirst(drain(buildQuery({}).find<Document>([doc], projection)));
  return projected ?? null;
}
