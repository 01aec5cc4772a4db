import type { Document } from 'bson';
import { buildQuery, compileFilter, translateErrors } from '../query/mingo.js';
import { ErrorCode } from '../errors.js';
import type { StoreView } from '../storage/view.js';

export interface FindSpec {
  filter?: Document;
  sort?: Document;
  skip?: number;
  limit?: number;
  projection?: Document;
}

/**
 * Matching documents, lazily: candidates from the view (index pick or scan),
 * then mingo's filter, sort, skip, limit and projection.
 */
export function findDocs(view: StoreView, db: string, coll: string, spec: FindSpec): Iterable<Document> {
  const filter = spec.filter ?? {};
  const query = buildQuery(filter);
  const projection = spec.projection && Object.keys(spec.projection).length > 0 ? spec.projection : undefined;
  return translateErrors(() => {
    const cursor = query.find<Document>(view.candidates(db, coll, filter), projection ?? {});
    const sort = cleanSort(spec.sort);
    if (sort) cursor.sort(sort);
    if (spec.skip) cursor.skip(spec.skip);
    if (spec.limit) cursor.limit(spec.limit);
    return projection ? idFirst(drain(cursor)) : drain(cursor);
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

/** mingo's projection appends `_id` last; mongod returns it first. */
function* idFirst(docs: Iterable<Document>): Generator<Document> {
  for (const doc of docs) {
    if (!('_id' in doc) || Object.keys(doc)[0] === '_id') yield doc;
    else {
      const { _id, ...rest } = doc;
      yield { _id, ...rest };
    }
  }
}

/** `$natural` and `$meta` sorts have no meaning here; plain field sorts go to mingo. */
function cleanSort(sort: Document | undefined): Record<string, 1 | -1> | undefined {
  if (!sort) return undefined;
  const out: Record<string, 1 | -1> = {};
  for (const [field, dir] of Object.entries(sort)) {
    if (field === '$natural' || typeof dir === 'object') continue;
    out[field] = Number(dir) < 0 ? -1 : 1;
  }
  return Object.keys(out).length > 0 ? out : undefined;
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
  const [projected] = idFirst(drain(buildQuery({}).find<Document>([doc], projection)));
  return projected ?? null;
}
