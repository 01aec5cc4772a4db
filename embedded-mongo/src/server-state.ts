import { ObjectId } from 'bson';
import { LogicalClock } from './clock.js';
import { ChangeHistory } from './changes/change-history.js';
import { createChangeStreams } from './changes/index.js';
import type { ServerState } from './commands/context.js';
import { CursorRegistry } from './cursors/cursor-registry.js';
import { DurableStore } from './durability/durable-store.js';
import type { EmbeddedMongoOptions } from './index.js';
import { Engine } from './storage/engine.js';
import { Sessions } from './txn/sessions.js';

/**
 * The shared state of one server instance: storage, clock, change streams,
 * cursors, sessions — recovered from `options.dbpath` and journaled there
 * when one is given, in memory only otherwise.
 */
export async function createServerState(options: EmbeddedMongoOptions & { log: (line: string) => void }): Promise<ServerState> {
  const clock = new LogicalClock();
  const engine = new Engine(clock);
  const history = new ChangeHistory(options.historyLimit ?? 100_000);
  let durable: DurableStore | null = null;
  const changeStreams = createChangeStreams({
    clock,
    historyLimit: history.limit,
    history,
    lookup: { findById: (db, coll, id) => engine.findById(db, coll, id) },
    ...(options.dbpath ? { gate: (events, publish) => (durable ? durable.gate(events, publish) : publish()) } : {}),
  });
  engine.changeStreams = changeStreams;
  if (options.dbpath) {
    durable = await DurableStore.open({
      dir: options.dbpath,
      engine,
      history,
      clock,
      log: options.log,
      ...(options.checkpointBytes ? { checkpointBytes: options.checkpointBytes } : {}),
    });
  }
  return {
    durable,
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
