import type { Timestamp } from 'bson';
import type { LogicalClock } from '../clock.js';
import { ChangeHistory, type StoredEvent } from './change-history.js';
import { ChangeStreamCursor } from './change-stream-cursor.js';
import type { ChangeStreamRequest, ChangeStreams, DocumentLookup } from './change-stream-types.js';
import type { ChangeEntry } from './change-types.js';
import { resolveScope } from './event-filter.js';
import { EventPipeline } from './event-pipeline.js';
import { eventKey } from './resume-token.js';
import { resolveStart } from './start-position.js';
import { parseStreamSpec } from './stream-spec.js';

export interface ChangeStreamOptions {
  clock: LogicalClock;
  /** Most change events kept (the oplog window); older ones are forgotten. */
  historyLimit: number;
  lookup: DocumentLookup;
  /** The history to record into (a durable engine restores it before serving); default a new one of `historyLimit`. */
  history?: ChangeHistory;
  /**
   * Decides when a commit's events become visible to change streams: a
   * durable engine calls `publish` once the commit's journal record is on
   * disk, so no stream ever sees (or holds a token of) an event a crash could
   * lose. Calls come in commit order and `publish` must be called in that
   * order. Default: publish at once.
   */
  gate?: (events: readonly StoredEvent[], publish: () => void) => void;
}

/** A cluster-time source. */
interface TimeSource {
  current(): Timestamp;
}

/**
 * The change-stream layer: records each commit's changes under one new
 * cluster time and serves `$changeStream` cursors over them.
 * Entries handed to `append` are kept as-is, so storage must not mutate them
 * (or their `fullDocument`) afterwards.
 *
 * @example
 *   const changes = createChangeStreams({ clock, historyLimit: 10_000, lookup });
 *   const cursor = changes.open({ db: 'app', coll: 'users', spec: {}, pipeline: [] });
 *   changes.append([{ db: 'app', coll: 'users', op: 'insert', documentKey: { _id: 1 }, fullDocument: { _id: 1 } }]);
 *   await cursor.nextBatch(undefined, 0); // [{ operationType: 'insert', ... }]
 */
export function createChangeStreams(options: ChangeStreamOptions): ChangeStreams {
  const { clock, lookup } = options;
  const history = options.history ?? new ChangeHistory(options.historyLimit);
  // While commits wait for their gate, streams see time only up to the last published one.
  let unpublished = 0;
  let visibleTime: Timestamp | null = null;
  const visibleClock: TimeSource = { current: () => visibleTime ?? clock.current() };
  return {
    append(entries: ChangeEntry[]): Timestamp {
      const before = options.gate && unpublished === 0 ? clock.current() : null;
      const clusterTime = clock.tick();
      const wallTime = new Date();
      const events = entries.map((entry, index): StoredEvent => ({ key: eventKey(clusterTime, index), clusterTime, wallTime, entry }));
      if (!options.gate) {
        history.append(events);
        return clusterTime;
      }
      if (unpublished++ === 0) visibleTime = before;
      options.gate(events, () => {
        history.append(events);
        visibleTime = --unpublished === 0 ? null : clusterTime;
      });
      return clusterTime;
    },
    open(request: ChangeStreamRequest): ChangeStreamCursor {
      const scope = resolveScope(request);
      const spec = parseStreamSpec(request.spec);
      const pipeline = new EventPipeline(request.pipeline);
      const start = resolveStart(history, visibleClock, scope, spec.start);
      const ns = request.coll === undefined ? `${request.db}.$cmd.aggregate` : `${request.db}.${request.coll}`;
      return new ChangeStreamCursor({ history, clock: visibleClock, lookup }, { ns, scope, spec, pipeline }, start);
    },
    oldestTime(): Timestamp | null {
      return history.oldest()?.clusterTime ?? null;
    },
  };
}
