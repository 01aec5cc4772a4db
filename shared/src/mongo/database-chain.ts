import { startEmbeddedMongo } from '@icc/embedded-mongo';
import { MongoClient, type MongoClientOptions } from 'mongodb';
import { parseEnv, type Env } from '../config/env-loader.js';
import { CommonEnvSchema, type MongoEngine } from '../config/env-schemas.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { noteMemoryServerFailure, recentMemoryServerFailure, startMemoryServer } from './memory-server.js';

/** A database the product can talk to, and how to stop it (a no-op for `MONGODB_URI`). */
export interface StartedDatabase {
  uri: string;
  engine: MongoEngine;
  stop(): Promise<void>;
}

export interface StartDatabaseOptions {
  /** Defaults to `process.env`; read for MONGODB_URI, MONGO_ENGINE and the memory-server timeout. */
  env?: Env;
  log?: Logger;
  /** embedded-mongo only: change events kept for resuming (the oplog window). */
  historyLimit?: number;
  /** memory-server only: mongod's data directory, kept between starts (a temporary one when omitted). */
  memoryServerDbPath?: string;
}

/**
 * The connection chain: `MONGODB_URI` if set; else a real mongod through
 * mongodb-memory-server; else embedded-mongo on a free port.
 * `MONGO_ENGINE=uri|memory-server|embedded` forces one. Logs the choice.
 *
 * @example
 *   const db = await startDatabase();
 *   const client = await MongoClient.connect(db.uri);
 *   // ...
 *   await client.close(); await db.stop();
 */
export async function startDatabase(options: StartDatabaseOptions = {}): Promise<StartedDatabase> {
  const env = parseEnv(CommonEnvSchema, options.env ?? process.env);
  const log = options.log ?? createLogger({ name: 'database', level: env.LOG_LEVEL });
  const forced = env.MONGO_ENGINE;

  if (forced === 'uri' || (!forced && env.MONGODB_URI)) {
    if (!env.MONGODB_URI) throw new Error('MONGO_ENGINE=uri needs MONGODB_URI to be set');
    log.info({ engine: 'uri' }, 'database: using MONGODB_URI');
    return { uri: env.MONGODB_URI, engine: 'uri', stop: async () => {} };
  }

  if (forced === 'memory-server' || !forced) {
    const knownFailure = forced ? null : recentMemoryServerFailure();
    if (knownFailure) {
      log.info({ reason: knownFailure }, 'database: skipping mongodb-memory-server (failed recently)');
    } else {
      try {
        const database = await startMemoryServer(env.MONGO_MEMORY_SERVER_TIMEOUT_MS, options.memoryServerDbPath);
        log.info({ engine: 'memory-server', uri: database.uri }, 'database: using mongodb-memory-server (real mongod)');
        return database;
      } catch (error) {
        const reason = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
        if (forced) throw new Error(`MONGO_ENGINE=memory-server failed: ${reason}`, { cause: error });
        noteMemoryServerFailure(reason);
        log.warn({ reason }, 'database: mongodb-memory-server unavailable, falling back to embedded-mongo');
      }
    }
  }

  const server = await startEmbeddedMongo({
    port: 0,
    ...(options.historyLimit ? { historyLimit: options.historyLimit } : {}),
    log: (line) => log.debug(line),
  });
  log.info({ engine: 'embedded', uri: server.uri }, 'database: using embedded-mongo (development/test engine)');
  return { uri: server.uri, engine: 'embedded', stop: () => server.stop() };
}

/**
 * Start (or find) a database through the chain and connect the official driver to it.
 *
 * @example
 *   const { client, close } = await connectMongo();
 *   await client.db('app').collection('x').insertOne({ a: 1 });
 *   await close();
 */
export async function connectMongo(
  options: StartDatabaseOptions & { clientOptions?: MongoClientOptions } = {},
): Promise<{ client: MongoClient; database: StartedDatabase; close(): Promise<void> }> {
  const database = await startDatabase(options);
  const client = new MongoClient(database.uri, { serverSelectionTimeoutMS: 10_000, ...options.clientOptions });
  try {
    await client.connect();
  } catch (error) {
    await database.stop();
    throw error;
  }
  return {
    client,
    database,
    close: async () => {
      await client.close();
      await database.stop();
    },
  };
}
