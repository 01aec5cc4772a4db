import { mkdir, open, readFile, readdir, rename, rm, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChangeHistory, StoredEvent } from '../changes/change-history.js';
import type { LogicalClock } from '../clock.js';
import { CommandError, ErrorCode } from '../errors.js';
import type { Collection } from '../storage/collection.js';
import type { Engine, SchemaJournal } from '../storage/engine.js';
import type { IndexSpec } from '../storage/index-store.js';
import { captureCheckpoint, loadCheckpoint, writeCheckpoint, type CheckpointState } from './checkpoint.js';
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
  /**
   * Awaited by a background checkpoint after its capture, before it writes
   * (tests hold a checkpoint open with it to see writes acknowledged meanwhile).
   */
  beforeCheckpointWrite?: (gen: number) => Promise<void>;
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
 *
 * Checkpoints run in the background. When the journal (generation G) passes
 * the threshold, the flush loop captures the state in the same tick as it
 * takes the next batch B out (everything applied in memory so far is in B or
 * earlier batches: a commit is applied and recorded synchronously), appends B
 * to journal-G as usual, switches every later batch to journal-(G+1), and
 * writes checkpoint G+1 (= journals ≤ G) while later commits keep being
 * appended and acknowledged. After its rename, journals ≤ G are deleted.
 * Recovery loads the checkpoint (generation C) and replays journal-C,
 * journal-(C+1), … One checkpoint runs at a time; a failed one is logged and
 * retried later (the journals still hold everything). `close` waits for a
 * running one and writes a final checkpoint inline.
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
  /** The running background checkpoint, if any. */
  private checkpointing: Promise<void> | null = null;
  /** Oldest journal generation on disk: the checkpoint's (journals from it to `gen` are replayed on recovery). */
  private baseGen: number;

  private constructor(
    private readonly options: DurableStoreOptions,
    private readonly releaseLock: () => void,
    private journal: FileHandle,
    private gen: number,
    private journalBytes: number,
    checkpointFileBytes: number,
    baseGen: number,
  ) {
    this.baseGen = baseGen;
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
      const { baseGen, gen, journalBytes, records, docs, checkpointFileBytes } = await recover(options);
      const journal = await openJournal(dir, gen);
      log(`recovered ${docs} documents from ${dir} (checkpoint generation ${baseGen} + ${records} journal records) in ${Date.now() - started} ms`);
      const store = new DurableStore(options, release, journal, gen, journalBytes, checkpointFileBytes, baseGen);
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
      // A running flush or background checkpoint (none starts once closed), and flushes started meanwhile.
      while (this.flushing || this.checkpointing) await (this.flushing ?? this.checkpointing);
      if (!this.broken && (this.journalBytes > 0 || this.baseGen < this.gen || this.batch.seq > this.durable)) {
        this.checkpointAt = 0;
        const final = this.flushAll();
        this.flushing = final; // a write arriving meanwhile waits for it instead of flushing alongside
        await final;
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
      if (this.checkpointAt === 0) {
        // close(): the final checkpoint, inline.
        if (!(await this.checkpoint(batch))) return;
        this.settle(batch);
        continue;
      }
      // Same tick as the swap: the capture holds exactly `batch` and the batches before it.
      const capture =
        !this.closed && !this.checkpointing && this.journalBytes >= this.checkpointAt
          ? captureCheckpoint(this.options.engine, this.options.history, batch.events)
          : null;
      if (!(await this.append(batch))) return; // a capture taken for it is dropped; the next threshold check retakes one
      this.settle(batch);
      if (capture) await this.startCheckpoint(capture);
    }
  }

  /**
   * `capture` holds exactly the records of journals ≤ gen (the last one just
   * appended): switch to journal gen+1 for every later batch, then write
   * checkpoint gen+1 in the background.
   */
  private async startCheckpoint(capture: CheckpointState): Promise<void> {
    const { dir, log } = this.options;
    const gen = this.gen + 1;
    let journal: FileHandle;
    try {
      journal = await openJournal(dir, gen);
    } catch (error) {
      // Stay on the current journal; retry once it has grown by another threshold.
      this.checkpointAt = this.journalBytes + this.nextCheckpointAt(0);
      log(`checkpoint ${gen} not started (cannot create ${journalFile(gen)}: ${(error as Error).message}); retried later`);
      return;
    }
    const previous = this.journal;
    this.journal = journal;
    this.journalBytes = 0;
    this.gen = gen;
    await previous.close().catch(() => {});
    log(`checkpoint ${gen} started in the background`);
    this.checkpointing = this.writeBackground(gen, capture).finally(() => {
      this.checkpointing = null;
    });
  }

  private async writeBackground(gen: number, state: CheckpointState): Promise<void> {
    const { log } = this.options;
    const started = Date.now();
    let fileBytes: number;
    try {
      await this.options.beforeCheckpointWrite?.(gen);
      fileBytes = await this.writeAndInstall(gen, state);
    } catch (error) {
      // Nothing is lost: the previous checkpoint and every journal since are intact.
      this.checkpointAt = this.journalBytes + this.nextCheckpointAt(0);
      log(`checkpoint ${gen} failed (${(error as Error).message}); the journals keep every write, retried later`);
      return;
    }
    await this.removeJournalsBefore(gen);
    this.checkpointAt = this.nextCheckpointAt(fileBytes);
    log(checkpointLine(gen, state, fileBytes, started));
  }

  /** Write checkpoint `gen` to a temporary file and rename it into place (the commit point); returns its size. */
  private async writeAndInstall(gen: number, state: CheckpointState): Promise<number> {
    const { dir } = this.options;
    const tmp = join(dir, CHECKPOINT_TMP);
    try {
      const fileBytes = await writeCheckpoint(tmp, gen, state);
      await rename(tmp, join(dir, CHECKPOINT_FILE));
      await syncDirectory(dir);
      return fileBytes;
    } catch (error) {
      await rm(tmp, { force: true }).catch(() => {});
      throw error;
    }
  }

  /** Checkpoint `gen` is installed: journals before it are covered by it. */
  private async removeJournalsBefore(gen: number): Promise<void> {
    const from = this.baseGen;
    this.baseGen = gen;
    for (let old = from; old < gen; old++) await rm(join(this.options.dir, journalFile(old)), { force: true }).catch(() => {});
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
   * close(): write the whole state (including `batch`, already applied in
   * memory) as checkpoint generation gen+1, then switch to an empty journal of
   * that generation and delete the old ones. Crash-safe at every step: until
   * the rename, the old checkpoint and journals are intact; after it, the new
   * checkpoint holds everything and a missing new journal reads as empty.
   */
  private async checkpoint(batch: Batch): Promise<boolean> {
    const { dir, engine, history, log } = this.options;
    const state = captureCheckpoint(engine, history, batch.events);
    const started = Date.now();
    const gen = this.gen + 1;
    let fileBytes: number;
    try {
      fileBytes = await this.writeAndInstall(gen, state);
    } catch (error) {
      this.checkpointAt = this.journalBytes + this.nextCheckpointAt(0);
      this.failed(batch, error);
      return false;
    }
    this.gen = gen;
    try {
      const journal = await openJournal(dir, gen);
      await this.journal.close();
      this.journal = journal;
      this.journalBytes = 0;
      await this.removeJournalsBefore(gen);
    } catch (error) {
      this.broken = journalError(dir, error, true);
    }
    this.checkpointAt = this.nextCheckpointAt(fileBytes);
    log(checkpointLine(gen, state, fileBytes, started));
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

function checkpointLine(gen: number, state: CheckpointState, fileBytes: number, started: number): string {
  const docs = state.collections.reduce((n, c) => n + c.docs.length, 0);
  return `checkpoint ${gen}: ${docs} documents, ${state.events.length} change events, ${fileBytes} bytes in ${Date.now() - started} ms`;
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

/**
 * Load the last checkpoint (generation C), replay journal-C, journal-(C+1), …
 * in order, drop a torn tail of the last one, remove leftovers.
 *
 * Only the last journal can have a torn tail: journal-G is complete and
 * fdatasync'ed (a failed append is truncated back) before journal-(G+1) is
 * created, so a bad record followed by a later journal is corruption.
 */
async function recover(
  options: DurableStoreOptions,
): Promise<{ baseGen: number; gen: number; journalBytes: number; records: number; docs: number; checkpointFileBytes: number }> {
  const { dir, engine, history, clock, log } = options;
  const replayer = new Replayer(engine, history);
  let baseGen = 0;
  let time = clock.current();
  const checkpoint = await readIfExists(join(dir, CHECKPOINT_FILE));
  if (checkpoint) ({ gen: baseGen, time } = loadCheckpoint(checkpoint, replayer, engine, history));
  const names = await readdir(dir);
  const journalGens = new Set(names.flatMap((name) => /^journal-(\d+)\.log$/.exec(name)?.[1] ?? []).map(Number));
  let gen = baseGen;
  let journalBytes: number;
  let records = 0;
  for (;;) {
    const journalPath = join(dir, journalFile(gen));
    const journal = (await readIfExists(journalPath)) ?? Buffer.alloc(0);
    const { payloads, validLength } = decodeRecords(journal);
    for (const payload of payloads) replayer.applyRecord(payload);
    records += payloads.length;
    journalBytes = validLength;
    const hasNext = journalGens.has(gen + 1);
    if (validLength < journal.length) {
      if (hasNext) {
        throw new Error(
          `journal ${journalPath} is corrupt (a bad record at byte ${validLength}, followed by ${journalFile(gen + 1)}); restore the data directory from a backup or start with an empty one`,
        );
      }
      log(`journal ${journalPath}: dropped an incomplete or corrupt tail of ${journal.length - validLength} bytes after ${payloads.length} whole records`);
      await truncate(journalPath, validLength);
    }
    if (!hasNext) break;
    gen++;
  }
  for (const name of names) {
    const old = /^journal-(\d+)\.log$/.exec(name);
    if (name === CHECKPOINT_TMP || (old && (Number(old[1]) < baseGen || Number(old[1]) > gen))) await rm(join(dir, name), { force: true });
  }
  replayer.finish();
  clock.restore(replayer.lastTime ?? time);
  const docs = engine.allCollections().reduce((n, c) => n + c.docs.size, 0);
  return { baseGen, gen, journalBytes, records, docs, checkpointFileBytes: checkpoint?.length ?? 0 };
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
