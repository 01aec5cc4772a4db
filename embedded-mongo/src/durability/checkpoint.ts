import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { BSON, type Document, type Timestamp } from 'bson';
import type { ChangeHistory, StoredEvent } from '../changes/change-history.js';
import type { Engine } from '../storage/engine.js';
import type { IndexSpec } from '../storage/index-store.js';
import { encodeKey } from '../storage/key-encoding.js';
import { decodeEntry, toUuid, type Replayer } from './journal-ops.js';
import { decodeRecords, encodeRecord, payloadDocuments } from './record-format.js';

/**
 * A checkpoint: the whole committed state at one instant, as records in the
 * journal's framing:
 *
 *   { o: 'checkpoint', version: 1, gen, time, dropped? }   header: replay journal-<gen> after this
 *   { o: 'collection', db, coll, options, uuid, indexes }   per collection, then its documents:
 *   { o: 'docs', n } + n documents                          in records of up to DOCS_PER_RECORD
 *   { o: 'events', n } + n { k, t, w, e }                   the change history, oldest first
 *   { o: 'end', collections, docs, events }                 a checkpoint without it is rejected
 *
 * Capturing is synchronous and cheap (stored documents and events are
 * immutable, so holding references freezes the state); serialising and
 * writing happen afterwards, yielding to the event loop between records.
 */
export interface CheckpointState {
  time: Timestamp;
  collections: Array<{ db: string; name: string; options: Document; uuid: unknown; indexes: IndexSpec[]; docs: Document[] }>;
  events: StoredEvent[];
  dropped: StoredEvent | null;
}

const DOCS_PER_RECORD = 1_000;
const WRITE_CHUNK_BYTES = 4 * 1024 * 1024;

/** Freeze the committed state, plus events committed but not yet published to `history`. */
export function captureCheckpoint(engine: Engine, history: ChangeHistory, unpublished: ReadonlyArray<readonly StoredEvent[]>): CheckpointState {
  return {
    time: engine.clock.current(),
    collections: engine.allCollections().map((coll) => ({
      db: coll.db,
      name: coll.name,
      options: coll.options,
      uuid: coll.uuid,
      indexes: coll.indexes.map((index) => index.spec),
      docs: Array.from(coll.docs.values(), (entry) => entry.doc),
    })),
    events: [...history.retained(), ...unpublished.flat()],
    dropped: history.lastDropped(),
  };
}

/**
 * Write a captured state to `path` (a new file) and fsync it; returns the file's size.
 * The engine may have moved on since the capture (a background checkpoint):
 * only `state` is read.
 */
export async function writeCheckpoint(path: string, gen: number, state: CheckpointState): Promise<number> {
  const file = await open(path, 'w');
  try {
    const writer = new ChunkWriter(file);
    const dropped = state.dropped ? eventDocument(state.dropped, null) : null;
    // The document versions written, per namespace: an event whose post-image is one of them shares it.
    const written = new Map<string, Set<Document>>();
    await writer.add(encodeRecord([BSON.serialize({ o: 'checkpoint', version: 1, gen, time: state.time, ...(dropped ? { dropped } : {}) })]));
    let docs = 0;
    for (const coll of state.collections) {
      const { db, name, options, uuid, indexes } = coll;
      await writer.add(encodeRecord([BSON.serialize({ o: 'collection', db, coll: name, options, uuid, indexes })]));
      const versions = new Set<Document>();
      written.set(namespace(db, name), versions);
      for (let i = 0; i < coll.docs.length; i += DOCS_PER_RECORD) {
        const slice = coll.docs.slice(i, i + DOCS_PER_RECORD);
        for (const doc of slice) versions.add(doc);
        await writer.add(encodeRecord([BSON.serialize({ o: 'docs', n: slice.length }), ...slice.map((doc) => BSON.serialize(doc))]));
        docs += slice.length;
      }
    }
    for (let i = 0; i < state.events.length; i += DOCS_PER_RECORD) {
      const slice = state.events.slice(i, i + DOCS_PER_RECORD);
      await writer.add(
        encodeRecord([BSON.serialize({ o: 'events', n: slice.length }), ...slice.map((event) => BSON.serialize(eventDocument(event, written)))]),
      );
    }
    await writer.add(encodeRecord([BSON.serialize({ o: 'end', collections: state.collections.length, docs, events: state.events.length })]));
    await writer.flush();
    await file.datasync();
    return writer.size;
  } finally {
    await file.close();
  }
}

/** Load a checkpoint file's state into an engine being recovered; returns the journal generation to replay after it. */
export function loadCheckpoint(data: Buffer, replayer: Replayer, engine: Engine, history: ChangeHistory): { gen: number; time: Timestamp } {
  const { payloads, validLength } = decodeRecords(data);
  const corrupt = (why: string): Error => new Error(`checkpoint is corrupt (${why}); restore the data directory from a backup or start with an empty one`);
  if (validLength !== data.length) throw corrupt(`a bad record at byte ${validLength}`);
  const header = payloads[0] ? payloadDocuments(payloads[0])[0] : undefined;
  if (header?.o !== 'checkpoint' || header.version !== 1) throw corrupt('no header');
  const last = payloads[payloads.length - 1];
  if (!last || payloadDocuments(last)[0]?.o !== 'end') throw corrupt('no end record');
  if (header.dropped) history.restoreDropped(storedEvent(header.dropped as Document, engine));
  let coll = null as ReturnType<Engine['restoreCollection']> | null;
  for (const payload of payloads.slice(1, -1)) {
    const [head, ...rest] = payloadDocuments(payload);
    if (head?.o === 'collection') {
      coll = engine.restoreCollection(String(head.db), String(head.coll), (head.options as Document | undefined) ?? {}, toUuid(head.uuid));
      replayer.applyOp({ o: 'createIndexes', db: coll.db, coll: coll.name, specs: head.indexes as unknown });
    } else if (head?.o === 'docs') {
      if (!coll) throw corrupt('documents before their collection');
      for (const doc of rest) coll.loadPut(encodeDocKey(doc), doc);
    } else if (head?.o === 'events') {
      history.append(rest.map((doc) => storedEvent(doc, engine)));
    } else throw corrupt(`unknown record ${JSON.stringify(head?.o)}`);
  }
  return { gen: Number(header.gen), time: header.time as Timestamp };
}

function encodeDocKey(doc: Document): string {
  return encodeKey(doc._id);
}

function namespace(db: string, coll: string): string {
  return `${db}.${coll}`; // a database name has no '.'
}

/**
 * An event as stored. Its post-image is usually the very document version the
 * checkpoint holds for that document (the newest write of it): then only a
 * mark is stored (`s: 1`) and loading shares the loaded document, as memory
 * did before the restart — half the file, and no second copy in memory.
 * Checked against the captured versions (`written`), not the live engine: a
 * background checkpoint is serialised while the engine moves on, and a
 * version current now need not have been current at the capture (a
 * collection dropped and refilled by reference, as `$out` may).
 */
function eventDocument(event: StoredEvent, written: Map<string, Set<Document>> | null): Document {
  const { entry } = event;
  const full = entry.fullDocument;
  if (written && full && entry.coll !== undefined && written.get(namespace(entry.db, entry.coll))?.has(full)) {
    const { fullDocument: _shared, ...rest } = entry;
    return { k: event.key, t: event.clusterTime, w: event.wallTime, e: rest, s: 1 };
  }
  return { k: event.key, t: event.clusterTime, w: event.wallTime, e: entry };
}

function storedEvent(doc: Document, engine: Engine): StoredEvent {
  const entry = decodeEntry(doc.e as Document);
  if (doc.s === 1 && entry.coll !== undefined) {
    const shared = engine.collection(entry.db, entry.coll)?.docs.get(encodeKey(entry.documentKey?._id))?.doc;
    if (!shared) throw new Error(`checkpoint is corrupt (the post-image of event ${String(doc.k)} is missing)`);
    entry.fullDocument = shared;
  }
  return { key: String(doc.k), clusterTime: doc.t as Timestamp, wallTime: doc.w as Date, entry };
}

/** Buffers records and writes them in large sequential chunks, yielding to the event loop in between. */
class ChunkWriter {
  private parts: Buffer[] = [];
  private bytes = 0;
  private position = 0;

  constructor(private readonly file: FileHandle) {}

  /** Bytes written so far. */
  get size(): number {
    return this.position;
  }

  async add(record: Buffer): Promise<void> {
    this.parts.push(record);
    this.bytes += record.length;
    if (this.bytes >= WRITE_CHUNK_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.bytes === 0) {
      await yieldToEventLoop();
      return;
    }
    const chunk = Buffer.concat(this.parts, this.bytes);
    this.parts = [];
    this.bytes = 0;
    let written = 0;
    while (written < chunk.length) {
      const { bytesWritten } = await this.file.write(chunk, written, chunk.length - written, this.position + written);
      written += bytesWritten;
    }
    this.position += chunk.length;
  }
}
