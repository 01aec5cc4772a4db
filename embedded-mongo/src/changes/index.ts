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
  const history = new ChangeHistory(options.historyLimit);
  return {
    append(entries: ChangeEntry[]): Timestamp {
      const clusterTime = clock.tick();
      const wallTime = new Date();
      const events = entries.map((entry, index): StoredEvent => ({ key: eventKey(clusterTime, index), clusterTime, wallTime, entry }));
      history.append(events);
      return clusterTime;
    },
    open(request: ChangeStreamRequest): ChangeStreamCursor {
      const scope = resolveScope(request);
      const spec = parseStreamSpec(request.spec);
      const pipeline = new EventPipeline(request.pipeline);
      const start = resolveStart(history, clock, scope, spec.start);
      const ns = request.coll === undefined ? `${request.db}.$cmd.aggregate` : `${request.db}.${request.coll}`;
      return new ChangeStreamCursor({ history, clock, lookup }, { ns, scope, spec, pipeline }, start);
    },
    oldestTime(): Timestamp | null {
      return history.oldest()?.clusterTime ?? null;
    },
  };
}
