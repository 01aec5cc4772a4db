import { mkdir, open, readFile, readdir, rename, rm, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChangeHistory, StoredEvent } from '../changes/change-history.js';
import type { LogicalClock } from '../clock.js';
import { CommandError, ErrorCode } from '../errors.js';
import type { Collection } from '../storage/collection.js';
import type { Engine, SchemaJournal } from '../storage/engine.js';
import type { IndexSpec } from '../storage/index-store.js';
import { captureCheckpoint, loadCheckpoint, writeCheckpoint } from './checkpoint.js';
import { encodeCommit, encodeCreate, encodeIndexesCreated, encodeIndexesDropped, Replayer } from './journal-ops.js';
import { acquireLock } from './lock-file.js';
import { decodeRecords, encodeRecord } from './record-format.js';

export interface DurableStoreOptions {
  /** The data directory (created if missing). */
  dir: string;
  engine: Engine;
  history: ChangeHistory;
  clock: LogicalClock;
  log: (line: string) => void;
  /**
   * Least journal size that triggers a checkpoint; default 64 MiB. The
   * threshold grows with the data: the journal may reach the size of the
   * last checkpoint before the next is written (see `nextCheckpointAt`).
   */
  checkpointBytes?: number;
}

export const CHECKPOINT_FILE = 'checkpoint.bson';
const CHECKPOINT_TMP = 'checkpoint.tmp';
const DEFAULT_CHECKPOINT_BYTES = 64 * 1024 * 1024;

export function journalFile(gen: number): string {
  return `journal-${gen}.log`;
}

/** Operations recorded since the last flush began: one journal record when flushed. */
interface Batch {
  docs: Uint8Array[];
  events: Array<readonly StoredEvent[]>;
  publishes: Array<() => void>;
  /** Sequence number of the last operation in the batch. */
  seq: number;
}

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The durable half of an engine started with a data directory.
 *
 * Every committed unit (a write's commit, a transaction's commit, a
 * collection or index created or dropped) is recorded synchronously as it is
 * applied in memory; `waitDurable` resolves once all recorded so far are in
 * the journal and fdatasync'ed. Flushes are serial, and everything recorded
 * while one is in flight goes into the next (group commit: the window is one
 * fdatasync). Change events reach streams only once durable (the `gate`).
 * When the journal passes `checkpointBytes`, and on `close`, the next flush
 * writes a checkpoint instead and starts a new journal generation.
 */
export class DurableStore implements SchemaJournal {
  private batch: Batch = emptyBatch(0);
  private appended = 0;
  private durable = 0;
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | null = null;
  /** Set when the journal can no longer be trusted to append (a failed write could not be rolled back). */
  private broken: Error | null = null;
  private checkpointAt: number;
  private closed = false;

  private constructor(
    private readonly options: DurableStoreOptions,
    private readonly releaseLock: () => void,
    private journal: FileHandle,
    private gen: number,
    private journalBytes: number,
    checkpointFileBytes: number,
  ) {
    this.checkpointAt = this.nextCheckpointAt(checkpointFileBytes);
  }

  /** Lock the directory, recover its state into the engine and history, and start journaling. */
  static async open(options: DurableStoreOptions): Promise<DurableStore> {
    const { dir, log } = options;
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      throw new Error(`cannot create data directory ${dir}: ${(error as Error).message}`, { cause: error });
    }
    const release = acquireLock(dir);
    try {
      const started = Date.now();
      const { gen, journalBytes, records, docs, checkpointFileBytes } = await recover(options);
      const journal = await openJournal(dir, gen);
      log(`recovered ${docs} documents from ${dir} (checkpoint generation ${gen} + ${records} journal records) in ${Date.now() - started} ms`);
      const store = new DurableStore(options, release, journal, gen, journalBytes, checkpointFileBytes);
      options.engine.journal = store;
      return store;
    } catch (error) {
      release();
      throw error;
    }
  }

  private get checkpointBytes(): number {
    return this.options.checkpointBytes ?? DEFAULT_CHECKPOINT_BYTES;
  }

  /**
   * The journal size for the next checkpoint, after one of `checkpointFileBytes`:
   * at least `checkpointBytes`, and at least the checkpoint's own size. With a
   * fixed threshold, loading a large database rewrote the whole (growing) state
   * every 64 MiB of journal: quadratic in its size (a 1M-document import wrote
   * dozens of checkpoints of up to 700 MB). Scaled like a log-structured store's
   * compaction, checkpoints during a load grow geometrically, so everything
   * written is a small multiple of the data, and recovery replays at most about
   * as many journal bytes as it loads from the checkpoint.
   */
  private nextCheckpointAt(checkpointFileBytes: number): number {
    return Math.max(this.checkpointBytes, checkpointFileBytes);
  }

  /** Sequence number of the last recorded operation (compare before and after a command to see if it wrote). */
  get appendedSeq(): number {
    return this.appended;
  }

  collectionCreated(coll: Collection): void {
    this.record([encodeCreate(coll)]);
  }

  indexesCreated(coll: Collection, specs: IndexSpec[]): void {
    this.record([encodeIndexesCreated(coll, specs)]);
  }

  indexesDropped(coll: Collection, names: string[]): void {
    this.record([encodeIndexesDropped(coll, names)]);
  }

  /** The change-stream gate: record a commit; its events are published once it is durable. */
  readonly gate = (events: readonly StoredEvent[], publish: () => void): void => {
    this.record(encodeCommit(events), events, publish);
  };

  /** Resolves once every operation recorded so far is on disk; rejects with a CommandError when the disk refused it. */
  waitDurable(): Promise<void> {
    if (this.broken) return Promise.reject(this.broken);
    const seq = this.appended;
    if (seq <= this.durable) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ seq, resolve, reject });
      this.kick();
    });
  }

  /** Flush, write a final checkpoint (so the next start replays nothing), release the lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flushing;
      if (!this.broken && (this.journalBytes > 0 || this.batch.seq > this.durable)) {
        this.checkpointAt = 0;
        await this.flushAll();
      }
    } finally {
      await this.journal.close().catch(() => {});
      this.releaseLock();
    }
  }

  private record(docs: Uint8Array[], events?: readonly StoredEvent[], publish?: () => void): void {
    for (const doc of docs) this.batch.docs.push(doc); // not push(...docs): a large transaction exceeds the argument limit
    if (events && publish) {
      this.batch.events.push(events);
      this.batch.publishes.push(publish);
    }
    this.batch.seq = ++this.appended;
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = this.flushAll().finally(() => {
      this.flushing = null;
      // Waiters that arrived after a failure started a flush of their own; any left over are served now.
      if (this.waiters.length > 0 && !this.broken) this.kick();
    });
  }

  /** Flush until nothing is pending; stops at the first failure (its waiters are rejected). */
  private async flushAll(): Promise<void> {
    while (this.batch.seq > this.durable || this.checkpointAt === 0) {
      const batch = this.batch;
      this.batch = emptyBatch(batch.seq);
      const ok = this.journalBytes >= this.checkpointAt ? await this.checkpoint(batch) : await this.append(batch);
      if (!ok) return;
      this.settle(batch);
    }
  }

  private async append(batch: Batch): Promise<boolean> {
    const record = encodeRecord(batch.docs);
    try {
      let written = 0;
      while (written < record.length) {
        const { bytesWritten } = await this.journal.write(record, written, record.length - written, this.journalBytes + written);
        written += bytesWritten;
      }
      await this.journal.datasync();
      this.journalBytes += record.length;
      return true;
    } catch (error) {
      // Roll back a partial record, so what follows is appended right after the last whole one.
      try {
        await this.journal.truncate(this.journalBytes);
        await this.journal.datasync();
      } catch (truncateError) {
        this.broken = journalError(this.options.dir, truncateError, true);
      }
      this.failed(batch, error);
      return false;
    }
  }

  /**
   * Write the whole state (including `batch`, already applied in memory) as
   * checkpoint generation gen+1, then switch to an empty journal of that
   * generation and delete the old one. Crash-safe at every step: until the
   * rename, the old checkpoint and journal are intact; after it, the new
   * checkpoint holds everything and a missing new journal reads as empty.
   */
  private async checkpoint(batch: Batch): Promise<boolean> {
    const { dir, engine, history, log } = this.options;
    const state = captureCheckpoint(engine, history, batch.events);
    const started = Date.now();
    const gen = this.gen + 1;
    const tmp = join(dir, CHECKPOINT_TMP);
    let fileBytes: number;
    try {
      fileBytes = await writeCheckpoint(tmp, gen, state, engine);
      await rename(tmp, join(dir, CHECKPOINT_FILE));
      await syncDirectory(dir);
    } catch (error) {
      await rm(tmp, { force: true }).catch(() => {});
      this.checkpointAt = this.journalBytes + this.nextCheckpointAt(0);
      this.failed(batch, error);
      return false;
    }
    const oldGen = this.gen;
    this.gen = gen;
    try {
      const journal = await openJournal(dir, gen);
      await this.journal.close();
      this.journal = journal;
      this.journalBytes = 0;
      await rm(join(dir, journalFile(oldGen)), { force: true });
    } catch (error) {
      this.broken = journalError(dir, error, true);
    }
    this.checkpointAt = this.nextCheckpointAt(fileBytes);
    const docs = state.collections.reduce((n, c) => n + c.docs.length, 0);
    log(`checkpoint ${gen}: ${docs} documents, ${state.events.length} change events, ${fileBytes} bytes in ${Date.now() - started} ms`);
    return true;
  }

  /** The batch is durable: publish its events in order, answer its waiters. */
  private settle(batch: Batch): void {
    this.durable = batch.seq;
    for (const publish of batch.publishes) publish();
    const waiting = this.waiters;
    this.waiters = [];
    for (const waiter of waiting) {
      if (waiter.seq <= this.durable) waiter.resolve();
      else this.waiters.push(waiter);
    }
  }

  /** The batch stays pending (in front of anything recorded since) and is retried by the next flush; every waiter gets the error. */
  private failed(batch: Batch, error: unknown): void {
    const later = this.batch;
    this.batch = {
      docs: [...batch.docs, ...later.docs],
      events: [...batch.events, ...later.events],
      publishes: [...batch.publishes, ...later.publishes],
      seq: later.seq,
    };
    const reply = this.broken ?? journalError(this.options.dir, error, false);
    this.options.log(`journal write failed: ${(error as Error).message}`);
    const waiting = this.waiters;
    this.waiters = [];
    for (const waiter of waiting) waiter.reject(reply);
  }
}

function emptyBatch(seq: number): Batch {
  return { docs: [], events: [], publishes: [], seq };
}

function journalError(dir: string, error: unknown, fatal: boolean): CommandError {
  const code = (error as NodeJS.ErrnoException).code;
  const cause = code === 'ENOSPC' || code === 'EDQUOT' ? 'the disk is full' : (error as Error).message;
  const consequence = fatal
    ? 'the journal cannot be appended any more: restart the engine (it recovers every acknowledged write)'
    : 'this write is not acknowledged as durable and will be retried with the next one';
  return new CommandError(
    code === 'ENOSPC' || code === 'EDQUOT' ? ErrorCode.OutOfDiskSpace : ErrorCode.InternalError,
    `journal write to ${dir} failed (${cause}); ${consequence}`,
  );
}

/** Load the last checkpoint, replay its journal, drop a torn tail, remove leftovers. */
async function recover(
  options: DurableStoreOptions,
): Promise<{ gen: number; journalBytes: number; records: number; docs: number; checkpointFileBytes: number }> {
  const { dir, engine, history, clock, log } = options;
  const replayer = new Replayer(engine, history);
  let gen = 0;
  let time = clock.current();
  const checkpoint = await readIfExists(join(dir, CHECKPOINT_FILE));
  if (checkpoint) ({ gen, time } = loadCheckpoint(checkpoint, replayer, engine, history));
  const journalPath = join(dir, journalFile(gen));
  const journal = (await readIfExists(journalPath)) ?? Buffer.alloc(0);
  const { payloads, validLength } = decodeRecords(journal);
  for (const payload of payloads) replayer.applyRecord(payload);
  if (validLength < journal.length) {
    log(`journal ${journalPath}: dropped an incomplete or corrupt tail of ${journal.length - validLength} bytes after ${payloads.length} whole records`);
    await truncate(journalPath, validLength);
  }
  for (const name of await readdir(dir)) {
    if (name === CHECKPOINT_TMP || (/^journal-\d+\.log$/.test(name) && name !== journalFile(gen))) await rm(join(dir, name), { force: true });
  }
  replayer.finish();
  clock.restore(replayer.lastTime ?? time);
  const docs = engine.allCollections().reduce((n, c) => n + c.docs.size, 0);
  return { gen, journalBytes: validLength, records: payloads.length, docs, checkpointFileBytes: checkpoint?.length ?? 0 };
}

async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Open (creating if needed) a journal for positional appends; its creation is made durable. */
async function openJournal(dir: string, gen: number): Promise<FileHandle> {
  const path = join(dir, journalFile(gen));
  const file = await open(path, 'a+').then(async (created) => {
    await created.close();
    return open(path, 'r+');
  });
  await file.datasync();
  await syncDirectory(dir);
  return file;
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
