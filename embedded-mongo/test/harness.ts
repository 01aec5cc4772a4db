import { MongoClient, type Db, type MongoClientOptions } from 'mongodb';
import { startEmbeddedMongo } from '../src/index.js';

/**
 * Where the conformance suite runs. The suite is written as "what mongod does",
 * so it runs unchanged against:
 *   - embedded-mongo (default),
 *   - a real mongod from mongodb-memory-server (`MONGO_ENGINE=memory-server`),
 *   - any replica set (`MONGODB_URI=...`).
 */
export interface TestServer {
  uri: string;
  engine: 'embedded' | 'memory-server' | 'uri';
  stop(): Promise<void>;
}

export async function startTestServer(options: { historyLimit?: number } = {}): Promise<TestServer> {
  const uri = process.env.MONGODB_URI;
  if (uri) return { uri, engine: 'uri', stop: async () => {} };
  if (process.env.MONGO_ENGINE === 'memory-server') {
    const { MongoMemoryReplSet } = await import('mongodb-memory-server-core');
    const replSet = await MongoMemoryReplSet.create({ replSet: { count: 1, storageEngine: 'wiredTiger' } });
    return { uri: replSet.getUri(), engine: 'memory-server', stop: async () => void (await replSet.stop()) };
  }
  const server = await startEmbeddedMongo({ port: 0, ...(options.historyLimit ? { historyLimit: options.historyLimit } : {}) });
  return { uri: server.uri, engine: 'embedded', stop: () => server.stop() };
}

/** A connected driver client; closes with the server in `afterAll`. */
export async function connect(server: TestServer, options: MongoClientOptions = {}): Promise<MongoClient> {
  const client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000, ...options });
  await client.connect();
  return client;
}

/** A database name unique to one test file, so suites never see each other's data. */
export function uniqueDbName(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * One server, one client and a fresh database for a test file.
 *
 * @example
 *   let server: TestServer; let client: MongoClient; let db: Db;
 *   beforeAll(async () => ({ server, client, db } = await openTestDatabase('crud')));
 *   afterAll(() => closeTestDatabase({ server, client }));
 */
export async function openTestDatabase(prefix: string): Promise<{ server: TestServer; client: MongoClient; db: Db }> {
  const server = await startTestServer();
  const client = await connect(server);
  return { server, client, db: client.db(uniqueDbName(prefix)) };
}

export async function closeTestDatabase(ctx: { server: TestServer; client: MongoClient }): Promise<void> {
  await ctx.client.close();
  await ctx.server.stop();
}
