import type { Document } from 'bson';
import { LogicalClock } from '../clock.js';
import type { ServerCursor } from '../cursors/cursor-types.js';
import type { ChangeStreamRequest, ChangeStreams, DocumentLookup } from './change-stream-types.js';
import type { ChangeEntry } from './change-types.js';
import { createChangeStreams } from './index.js';
import { describeUpdate } from './update-description.js';

/**
 * A stand-in for the storage engine in unit tests: keeps documents in maps,
 * answers `DocumentLookup`, and appends the entries a real commit would.
 *
 * @example
 *   const storage = new FakeStorage(50);
 *   const cursor = storage.open({ db: 'app', coll: 'c' });
 *   storage.insert('app', 'c', { _id: 1 });
 */
export class FakeStorage implements DocumentLookup {
  readonly clock = new LogicalClock();
  readonly changes: ChangeStreams;
  private readonly collections = new Map<string, Map<unknown, Document>>();

  constructor(historyLimit = 10_000) {
    this.changes = createChangeStreams({ clock: this.clock, historyLimit, lookup: this });
  }

  findById(db: string, coll: string, id: unknown): Document | null {
    return this.collection(db, coll).get(id) ?? null;
  }

  open(request: Partial<ChangeStreamRequest> & { db: string }): ServerCursor {
    return this.changes.open({ spec: {}, pipeline: [], ...request });
  }

  insert(db: string, coll: string, doc: Document): ChangeEntry {
    this.collection(db, coll).set(doc._id, doc);
    return this.commit({ db, coll, op: 'insert', documentKey: { _id: doc._id }, fullDocument: doc });
  }

  update(db: string, coll: string, id: unknown, changes: Document): ChangeEntry {
    const before = this.findById(db, coll, id) ?? { _id: id };
    const after = { ...before, ...changes };
    this.collection(db, coll).set(id, after);
    const updateDescription = describeUpdate(before, after);
    return this.commit({ db, coll, op: 'update', documentKey: { _id: id }, fullDocument: after, updateDescription });
  }

  replace(db: string, coll: string, doc: Document): ChangeEntry {
    this.collection(db, coll).set(doc._id, doc);
    return this.commit({ db, coll, op: 'replace', documentKey: { _id: doc._id }, fullDocument: doc });
  }

  delete(db: string, coll: string, id: unknown): ChangeEntry {
    this.collection(db, coll).delete(id);
    return this.commit({ db, coll, op: 'delete', documentKey: { _id: id } });
  }

  drop(db: string, coll: string): ChangeEntry {
    this.collections.delete(`${db}.${coll}`);
    return this.commit({ db, coll, op: 'drop' });
  }

  commit(entry: ChangeEntry): ChangeEntry {
    this.changes.append([entry]);
    return entry;
  }

  private collection(db: string, coll: string): Map<unknown, Document> {
    const key = `${db}.${coll}`;
    let docs = this.collections.get(key);
    if (!docs) this.collections.set(key, (docs = new Map<unknown, Document>()));
    return docs;
  }
}

/**
 * The CommandError code a call throws (0 when it does not throw).
 *
 * @example
 *   expect(codeOf(() => storage.open({ db: 'admin' }))).toBe(73);
 */
export function codeOf(run: () => unknown): number {
  try {
    run();
    return 0;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
}

/**
 * The CommandError code a promise rejects with (0 when it resolves).
 *
 * @example
 *   expect(await asyncCodeOf(drain(cursor))).toBe(286);
 */
export async function asyncCodeOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 0;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
}

/**
 * The resume token a cursor reports after its last batch.
 *
 * @example
 *   pbrt(cursor); // { _data: '82...' }
 */
export function pbrt(cursor: ServerCursor): { _data: string } {
  return cursor.replyFields?.().postBatchResumeToken as { _data: string };
}

/**
 * Read what a cursor has now, without waiting.
 *
 * @example
 *   const events = await drain(cursor, 10);
 */
export function drain(cursor: ServerCursor, batchSize?: number): Promise<Document[]> {
  return cursor.nextBatch(batchSize, 0);
}
