import { ObjectId } from 'bson';
import { LogicalClock } from './clock.js';
import { createChangeStreams } from './changes/index.js';
import type { ServerState } from './commands/context.js';
import { CursorRegistry } from './cursors/cursor-registry.js';
import type { EmbeddedMongoOptions } from './index.js';
import { Engine } from './storage/engine.js';
import { Sessions } from './txn/sessions.js';

/** The shared state of one server instance: storage, clock, change streams, cursors, sessions. */
export function createServerState(options: EmbeddedMongoOptions & { log: (line: string) => void }): ServerState {
  const clock = new LogicalClock();
  const engine = new Engine(clock);
  const changeStreams = createChangeStreams({
    clock,
    historyLimit: options.historyLimit ?? 100_000,
    lookup: { findById: (db, coll, id) => engine.findById(db, coll, id) },
  });
  engine.changeStreams = changeStreams;
  return {
    engine,
    clock,
    changeStreams,
    cursors: new CursorRegistry(options.cursorTimeoutMs),
    sessions: new Sessions(engine),
    replSetName: options.replSetName ?? 'rs0',
    hostPort: '',
    electionId: new ObjectId('7fffffff0000000000000001'),
    startedAt: new Date(),
    connections: 0,
    log: options.log,
  };
}
