import { pollLoop, silentLogger, type BackgroundLogger, type CdcStatus, type StepFailure } from '@icc/shared';
import type { ChangeStream, ChangeStreamDocument, MongoClient, ResumeToken, Timestamp } from 'mongodb';
import { BACKFILL_ORDER, runBackfill } from './backfill.js';
import { SOURCE_COLLECTIONS, type ChangeSink, type SourceChange, type SourceCollection } from './cdc.types.js';
import { isResumePointLost, SinkError, StreamInvalidatedError } from './cdc-errors.js';
import { statusTracker } from './cdc-status.js';
import {
  ALL_MIRRORS,
  checkpointStore,
  FOLLOWED_BEFORE_SUPPLY,
  SOURCE_MIRRORS,
  type CdcCheckpoint,
  type CheckpointPosition,
  type SavedResumeToken,
} from './checkpoint-store.js';
import { sourcePipeline, toSourceChange } from './source-change.js';

/** Told after every batch applied and checkpointed. */
export interface CdcBatchInfo {
  phase: 'backfill' | 'stream';
  size: number;
  eventsProcessed: number;
  checkpointedAt: Date;
}

export interface CdcConsumerOptions {
  client: MongoClient;
  /** Followed through its change stream, and re-read for a backfill; never written. */
  operationalDb: string;
  /** Holds `cdcCheckpoints`. */
  analyticsDb: string;
  sink: ChangeSink;
  /** Most changes per `sink.apply` (and per getMore). Default 500. */
  batchSize?: number;
  /** How long one getMore waits for changes on a quiet system. Default 1 000 ms. */
  maxAwaitTimeMS?: number;
  /**
   * Most re-read documents per `sink.apply` while backfilling. Default: `batchSize` when one is
   * given, else 2 000. A backfill reads history in time order, so each batch touches most of the
   * same series again: a larger batch reads and writes each series (and checkpoints) once per
   * 2 000 documents instead of once per 500 (see ARCHITECTURE, "First start").
   */
  backfillBatchSize?: number;
  /** Documents per backfill read. Default: the backfill batch size, at least 1 000. */
  backfillPageSize?: number;
  /** On a quiet system, save the advancing resume token this often, so the checkpoint stays inside the history window. Default 10 000 ms. */
  quietCheckpointMs?: number;
  log?: BackgroundLogger;
}

export interface CdcConsumer {
  /** Begin consuming; resolves once the first position is known (checkpoint read, stream or backfill begun). */
  start(): Promise<void>;
  /** Close the stream and wait for the batch in flight to be applied and checkpointed. */
  stop(): Promise<void>;
  status(): CdcStatus;
  /** Listen to applied batches; returns the unsubscribe function. */
  onBatch(listener: (info: CdcBatchInfo) => void): () => void;
}

const tokenKey = (token: SavedResumeToken | null | undefined) => (token == null ? '' : JSON.stringify(token));

/** Every source collection: what a full backfill reads and the stream follows. */
const ALL: SourceCollection[] = [...SOURCE_COLLECTIONS];
/** What a position that has read or followed everything covers: every collection, every mirror filled. */
const COVERS_ALL = { collections: ALL, mirrors: ALL_MIRRORS };

/**
 * Source collections the checkpoint's position does not cover yet (followed
 * since it was written, or feeding a mirror added since: SOURCE_MIRRORS), in
 * backfill order.
 */
function notCovered(checkpoint: CdcCheckpoint): SourceCollection[] {
  const covered: readonly string[] = checkpoint.collections ?? FOLLOWED_BEFORE_SUPPLY;
  const filled: readonly string[] = checkpoint.mirrors ?? [];
  const refill: readonly string[] = ALL_MIRRORS.filter((mirror) => !filled.includes(mirror)).map((mirror) => SOURCE_MIRRORS[mirror]);
  return BACKFILL_ORDER.filter((collection) => !covered.includes(collection) || refill.includes(collection));
}

/**
 * The change-data-capture consumer: one change stream over the operational
 * database, batches applied to `sink` in source order, the resume token
 * checkpointed in `cdcCheckpoints` after each batch (never before). Without a
 * usable checkpoint (first start, or history lost: 286/260/280) it backfills:
 * captures the cluster time, re-reads every source document as a `replace`,
 * then streams from that time. Changes may arrive twice; none are missed.
 * A checkpoint written before some source collections were followed keeps
 * its position: those collections alone are re-read, then the stream resumes
 * from the saved position (delivering their changes since it too).
 *
 * @example
 *   const consumer = createCdcConsumer({ client, operationalDb: 'icc_operational', analyticsDb: 'icc_analytics', sink: createPipeline(analytics) });
 *   await consumer.start();
 *   consumer.status(); // { state: 'streaming', eventsProcessed: 1234, lagSeconds: 0, ... }
 *   await consumer.stop();
 */
export function createCdcConsumer(options: CdcConsumerOptions): CdcConsumer {
  const batchSize = options.batchSize ?? 500;
  const maxAwaitTimeMS = options.maxAwaitTimeMS ?? 1_000;
  const backfillBatchSize = options.backfillBatchSize ?? options.batchSize ?? 2_000;
  const pageSize = options.backfillPageSize ?? Math.max(1_000, backfillBatchSize);
  const quietCheckpointMs = options.quietCheckpointMs ?? 10_000;
  const log = options.log ?? silentLogger;
  const operational = options.client.db(options.operationalDb);
  const store = checkpointStore(options.client.db(options.analyticsDb), options.operationalDb);
  const tracker = statusTracker();
  const listeners = new Set<(info: CdcBatchInfo) => void>();

  let stream: ChangeStream | null = null;
  let mustBackfill = false;
  let savedToken = '';
  let lastSaveAt = 0;
  let onFirstPosition: (() => void) | null = null;
  let lostInARow = 0;

  async function deliver(changes: SourceChange[], position: CheckpointPosition, phase: CdcBatchInfo['phase'], newestAt: Date | null): Promise<void> {
    if (changes.length > 0) await inSink(() => options.sink.apply(changes, { phase }));
    const eventsProcessed = tracker.eventsProcessed + changes.length;
    const lastEventAt = newestAt && (!tracker.lastEventAt || newestAt > tracker.lastEventAt) ? newestAt : tracker.lastEventAt;
    const checkpointedAt = await store.save(position, { eventsProcessed, lastEventAt });
    savedToken = tokenKey(position.resumeToken);
    lastSaveAt = Date.now();
    tracker.applied(changes.length, newestAt, checkpointedAt);
    // Progress resets the back-off; only streamed batches prove a backfill's start point held.
    if (changes.length > 0) loop.resetBackoff();
    if (phase === 'stream' && changes.length > 0) lostInARow = 0;
    const info: CdcBatchInfo = { phase, size: changes.length, eventsProcessed, checkpointedAt };
    for (const listener of listeners) {
      try {
        listener(info);
      } catch (error) {
        log.warn({ error: String(error) }, 'cdc: batch listener threw');
      }
    }
  }

  /** Run a sink call; its failure is the sink's (the batch is delivered again), not the stream's. */
  async function inSink(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      throw new SinkError(error);
    }
  }

  /** Let the sink finish work it deferred while a backlog was read (see ChangeSink). */
  async function sinkCaughtUp(signal: AbortSignal): Promise<void> {
    await inSink(async () => {
      await options.sink.caughtUp?.(signal);
    });
  }

  /** The cluster time now: everything committed up to it is visible to the reads that follow. */
  async function clusterTimeNow(): Promise<Timestamp> {
    const reply = await options.client.db('admin').command({ ping: 1 });
    const time = reply.operationTime as Timestamp | undefined;
    if (!time) throw new Error('the server reports no operationTime: change streams need a replica set');
    return time;
  }

  /** Re-read the source; returns where the stream starts, or null when stopped midway. */
  async function backfill(resumeFrom: CheckpointPosition['backfill'], signal: AbortSignal): Promise<Timestamp | null> {
    tracker.setState('backfilling');
    onFirstPosition?.();
    const startAtOperationTime = resumeFrom?.startAtOperationTime ?? (await clusterTimeNow());
    log.info({ collection: resumeFrom?.collection }, resumeFrom ? 'cdc: resuming backfill' : 'cdc: backfill started');
    const done = await runBackfill({
      operational,
      startAtOperationTime,
      resumeFrom,
      pageSize,
      batchSize: backfillBatchSize,
      aborted: () => signal.aborted,
      deliver: (changes, progress) => deliver(changes, { resumeToken: null, startAtOperationTime: null, backfill: progress, ...COVERS_ALL }, 'backfill', null),
    });
    if (!done) return null;
    // Before the checkpoint says "backfilled": a failure here re-runs it from the last page (nothing left to read).
    await sinkCaughtUp(signal);
    const position: CheckpointPosition = { resumeToken: null, startAtOperationTime, backfill: null, ...COVERS_ALL };
    tracker.checkpointed(await store.save(position, { eventsProcessed: tracker.eventsProcessed, lastEventAt: tracker.lastEventAt }));
    log.info({ eventsProcessed: tracker.eventsProcessed }, 'cdc: backfill done');
    return startAtOperationTime;
  }

  /** Up to batchSize changes: whatever the cursor holds, waiting (maxAwaitTimeMS) for at least one. */
  async function nextBatch(open: ChangeStream): Promise<ChangeStreamDocument[]> {
    const first = await open.tryNext();
    if (first === null) return [];
    const events: ChangeStreamDocument[] = [first];
    while (events.length < batchSize && open.bufferedCount() > 0) {
      const next = await open.tryNext();
      if (next === null) break;
      events.push(next);
    }
    return events;
  }

  async function follow(from: { resumeAfter: ResumeToken } | { startAtOperationTime: Timestamp }, signal: AbortSignal): Promise<void> {
    const open = operational.watch(sourcePipeline(), { fullDocument: 'updateLookup', batchSize, maxAwaitTimeMS, ...from });
    stream = open;
    try {
      while (!signal.aborted) {
        const events = await nextBatch(open);
        // Streaming once the server accepted the start point (a lost one fails the first batch instead).
        if (tracker.state !== 'streaming') {
          tracker.setState('streaming');
          onFirstPosition?.();
        }
        // The token after this batch: its last event, or the server's high-water mark when the batch ran dry.
        const token = open.resumeToken ?? null;
        if (events.length === 0) {
          await sinkCaughtUp(signal);
          tracker.setCaughtUp(true);
          // A quiet system still moves the token forward: save it now and then, so the checkpoint stays inside the history window.
          if (token && tokenKey(token) !== savedToken && Date.now() - lastSaveAt >= quietCheckpointMs) {
            await deliver([], { resumeToken: token, startAtOperationTime: null, backfill: null, ...COVERS_ALL }, 'stream', null);
          }
          continue;
        }
        const invalidated = events.some((event) => event.operationType === 'invalidate');
        if (invalidated) throw new StreamInvalidatedError();
        tracker.setCaughtUp(false);
        const changes: SourceChange[] = [];
        let newestAt: Date | null = null;
        for (const event of events) {
          const timed = toSourceChange(event);
          if (!timed) continue;
          changes.push(timed.change);
          if (timed.eventTime) newestAt = timed.eventTime;
        }
        await deliver(changes, { resumeToken: token, startAtOperationTime: null, backfill: null, ...COVERS_ALL }, 'stream', newestAt);
      }
    } finally {
      stream = null;
      await open.close().catch(() => {});
    }
  }

  /**
   * Re-read the collections `checkpoint` does not cover, keeping its stream
   * position (and saving it with the progress); true once they are read. The
   * stream, resumed from that position, then also delivers their changes
   * since it: older than what was read, so the newest-wins sinks keep the
   * newer state, and a delete is still seen.
   */
  async function backfillNewlyFollowed(checkpoint: CdcCheckpoint, missing: SourceCollection[], signal: AbortSignal): Promise<boolean> {
    tracker.setState('backfilling');
    onFirstPosition?.();
    log.info({ collections: missing }, 'cdc: backfilling newly followed collections');
    const kept = {
      resumeToken: checkpoint.resumeToken,
      startAtOperationTime: checkpoint.startAtOperationTime,
      collections: checkpoint.collections ?? [...FOLLOWED_BEFORE_SUPPLY],
      mirrors: checkpoint.mirrors ?? [],
    };
    const done = await runBackfill({
      operational,
      collections: missing,
      startAtOperationTime: null,
      resumeFrom: checkpoint.backfill,
      pageSize,
      batchSize: backfillBatchSize,
      aborted: () => signal.aborted,
      deliver: (changes, progress) => deliver(changes, { ...kept, backfill: progress }, 'backfill', null),
    });
    if (!done) return false;
    await sinkCaughtUp(signal);
    tracker.checkpointed(
      await store.save({ ...kept, backfill: null, ...COVERS_ALL }, { eventsProcessed: tracker.eventsProcessed, lastEventAt: tracker.lastEventAt }),
    );
    return true;
  }

  /** One pass: read the checkpoint, backfill if needed, stream until stopped or failed. */
  async function consumeOnce(signal: AbortSignal): Promise<void> {
    tracker.setState('starting');
    const checkpoint = await store.load();
    if (checkpoint) tracker.restore(checkpoint.eventsProcessed, checkpoint.lastEventAt);
    savedToken = tokenKey(checkpoint?.resumeToken);
    if (!mustBackfill && checkpoint && (checkpoint.resumeToken || checkpoint.startAtOperationTime)) {
      const missing = notCovered(checkpoint);
      if (missing.length > 0 && !(await backfillNewlyFollowed(checkpoint, missing, signal))) return;
      if (checkpoint.resumeToken) return follow({ resumeAfter: checkpoint.resumeToken }, signal);
      if (checkpoint.startAtOperationTime) return follow({ startAtOperationTime: checkpoint.startAtOperationTime }, signal);
    }
    const startAt = await backfill(mustBackfill ? null : (checkpoint?.backfill ?? null), signal);
    mustBackfill = false;
    if (startAt) await follow({ startAtOperationTime: startAt }, signal);
  }

  function failed(error: unknown): StepFailure {
    const lost = isResumePointLost(error) || error instanceof StreamInvalidatedError;
    // The saved point is gone: re-read the source. Back off only if it keeps happening (history shorter than a backfill).
    if (lost) mustBackfill = true;
    const retry = lost && lostInARow++ === 0 ? 'now' : 'backoff';
    if (retry === 'backoff') {
      tracker.setState('failed');
      onFirstPosition?.();
    }
    return lost
      ? { level: 'warn', msg: 'cdc: resume point lost, backfilling', fields: { error: String(error) }, retry }
      : {
          level: 'error',
          msg: 'cdc: consumer failed, restarting from the checkpoint',
          fields: { error: String(error), stack: (error as Error)?.stack },
          retry,
        };
  }

  // One pass after another (a pass returns only when stopped); a failed one backs off 250 ms, 500 ms, … 30 s with jitter.
  const loop = pollLoop({ log, step: (signal) => consumeOnce(signal).then(() => 'more' as const), onFailure: failed });

  return {
    async start() {
      if (loop.running) return;
      lostInARow = 0;
      const positioned = new Promise<void>((resolve) => (onFirstPosition = resolve));
      loop.start();
      await positioned;
      onFirstPosition = null;
    },
    async stop() {
      if (!loop.running) return;
      const stopped = loop.stop();
      // Closing the stream ends a waiting getMore; a batch being applied runs to its checkpoint.
      await stream?.close().catch(() => {});
      await stopped;
      tracker.setState('stopped');
      onFirstPosition?.(); // a stop() before any position was reached must not leave start() waiting
    },
    status: () => tracker.snapshot(),
    onBatch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
