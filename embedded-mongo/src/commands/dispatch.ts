import { Binary, Long, type Document } from 'bson';
import { CommandError, ErrorCode } from '../errors.js';
import type { DurableStore } from '../durability/durable-store.js';
import type { StoreView } from '../storage/view.js';
import { adminCommands } from './admin.commands.js';
import { aggregateCommands } from './aggregate.commands.js';
import type { CommandTable, ServerState } from './context.js';
import { findAndModifyCommands } from './find-and-modify.commands.js';
import { findCommands } from './find.commands.js';
import { helloCommands } from './hello.commands.js';
import { indexCommands } from './index.commands.js';
import { txnCommands } from './txn.commands.js';
import { RETRYABLE_WRITE_COMMANDS, writeCommands } from './write.commands.js';

/** Every command, by mongod's (case-sensitive) name. */
const COMMANDS: CommandTable = {
  ...helloCommands,
  ...adminCommands,
  ...writeCommands,
  ...findCommands,
  ...findAndModifyCommands,
  ...aggregateCommands,
  ...indexCommands,
  ...txnCommands,
};

/** Commands that manage the transaction themselves rather than run inside it. */
const TXN_CONTROL = new Set(['commitTransaction', 'abortTransaction']);

const ZERO_SIGNATURE = { hash: new Binary(Buffer.alloc(20)), keyId: Long.ZERO };

/**
 * Run one command and build the reply mongod would send, including a replica
 * set member's `$clusterTime` and `operationTime` (causal consistency and
 * change-stream resumption read them). Errors become `{ ok: 0, code, ... }`;
 * nothing a client sends can crash the server.
 */
export async function runCommand(server: ServerState, body: Document, connectionId: number): Promise<Document> {
  const { durable } = server;
  if (!durable) return execute(server, body, connectionId, null);
  // Acknowledged means durable: a command that wrote (even partly, then failed) is answered once its journal record is on disk.
  const writes = new WriteTracker(durable);
  const reply = await execute(server, body, connectionId, writes);
  if (!writes.wrote) return reply;
  try {
    await durable.waitDurable();
  } catch (error) {
    return withTimes(server, toErrorReply(error, server));
  }
  return reply;
}

/**
 * Whether a command's handler recorded journal operations. Exact for a
 * synchronous handler (every write command: nothing else runs meanwhile);
 * for an asynchronous one, anything recorded while it ran counts, which at
 * worst makes a read wait for a flush. Comparing sequence numbers around the
 * whole command instead made reads and in-transaction writes wait for other
 * connections' flushes.
 */
class WriteTracker {
  wrote = false;

  constructor(private readonly durable: DurableStore) {}

  run(handler: () => Document | Promise<Document>): Document | Promise<Document> {
    const since = this.durable.appendedSeq;
    const check = (): void => {
      if (this.durable.appendedSeq !== since) this.wrote = true;
    };
    try {
      const result = handler();
      return result instanceof Promise ? result.finally(check) : result;
    } finally {
      check();
    }
  }
}

async function execute(server: ServerState, body: Document, connectionId: number, writes: WriteTracker | null): Promise<Document> {
  const name = Object.keys(body)[0] ?? '';
  let view: StoreView | undefined;
  try {
    const handler = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!handler) throw new CommandError(ErrorCode.CommandNotFound, `no such command: '${name}'`);
    const cached = server.sessions.retryReply(body);
    // A copy: the remembered reply must not take this reply's times.
    if (cached && RETRYABLE_WRITE_COMMANDS.has(name)) return withTimes(server, { ...cached });
    view = TXN_CONTROL.has(name) ? server.sessions.direct : server.sessions.viewFor(body);
    const db = typeof body.$db === 'string' ? body.$db : 'admin';
    const context = { server, db, body, view, connectionId };
    const result = await (writes ? writes.run(() => handler(context)) : handler(context));
    const reply = { ...result, ok: 1 };
    if (!RETRYABLE_WRITE_COMMANDS.has(name)) return withTimes(server, reply);
    server.sessions.rememberRetryable(body, reply);
    return withTimes(server, { ...reply });
  } catch (error) {
    if (view) server.sessions.abortAfterError(view);
    return withTimes(server, toErrorReply(error, server));
  }
}

/** Adds the times to `reply` in place (callers pass a fresh object): one less copy per command. */
function withTimes(server: ServerState, reply: Document): Document {
  const time = server.clock.current();
  reply.$clusterTime = { clusterTime: time, signature: ZERO_SIGNATURE };
  reply.operationTime = time;
  return reply;
}

function toErrorReply(error: unknown, server: ServerState): Document {
  if (error instanceof CommandError) return error.toReply();
  const message = error instanceof Error ? error.message : String(error);
  server.log(`internal error: ${error instanceof Error ? (error.stack ?? message) : message}`);
  return new CommandError(ErrorCode.InternalError, message).toReply();
}
