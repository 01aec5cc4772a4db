import net from 'node:net';
import type { ServerState } from './commands/context.js';
import { handleConnection } from './server.js';
import { createServerState } from './server-state.js';

export interface EmbeddedMongoOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on and to advertise in `hello`; default 127.0.0.1. */
  host?: string;
  /** Change events kept for resuming change streams; default 100 000. */
  historyLimit?: number;
  /** Replica-set name reported by `hello`; default 'rs0'. */
  replSetName?: string;
  /** Receives log lines; default writes to stderr. */
  log?: (line: string) => void;
  /**
   * Idle cursors (no getMore for this long) are killed unless opened with
   * `noCursorTimeout`, like mongod's `cursorTimeoutMillis`; default 10 minutes.
   */
  cursorTimeoutMs?: number;
  /**
   * Data directory: committed writes are journaled there and recovered on the
   * next start (see "Durability" in the README). Omitted: in memory only.
   */
  dbpath?: string;
  /** With `dbpath`: journal size that triggers a checkpoint; default 64 MiB. */
  checkpointBytes?: number;
}

export interface EmbeddedMongo {
  /** Connection string for the official driver or Mongoose, e.g. `mongodb://127.0.0.1:27017/?replicaSet=rs0`. */
  uri: string;
  port: number;
  /** Close all connections and stop listening. */
  stop(): Promise<void>;
}

/**
 * Start a MongoDB-wire-compatible server for development and tests: in
 * memory, or durable in `options.dbpath`. It is NOT a production database.
 *
 * @example
 *   import { MongoClient } from 'mongodb';
 *   import { startEmbeddedMongo } from '@icc/embedded-mongo';
 *
 *   const server = await startEmbeddedMongo({ port: 0 });
 *   const client = await new MongoClient(server.uri).connect();
 *   await client.db('app').collection('users').insertOne({ name: 'Ada' });
 *   await client.close();
 *   await server.stop();
 */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const state = await createServerState({ ...options, log });
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    handleConnection(state, socket);
  });
  let port: number;
  try {
    port = await listen(server, options.port ?? 0, host);
  } catch (error) {
    await state.durable?.close();
    throw error;
  }
  state.hostPort = `${host}:${port}`;
  log(`embedded-mongo listening on ${state.hostPort} — a development/test engine, never a production database`);
  return {
    uri: `mongodb://${state.hostPort}/?replicaSet=${encodeURIComponent(state.replSetName)}`,
    port,
    stop: () => stop(server, sockets, state),
  };
}

export type { ServerCursor } from './cursors/cursor-types.js';
export { CommandError, ErrorCode } from './errors.js';

function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

async function stop(server: net.Server, sockets: Set<net.Socket>, state: ServerState): Promise<void> {
  state.cursors.closeAll();
  state.sessions.end('all');
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await state.durable?.close();
}
export { DEFAULT_RESERVED_HEAP_MB, startEmbeddedMongoProcess, type EmbeddedMongoProcessOptions } from './child-process.js';
