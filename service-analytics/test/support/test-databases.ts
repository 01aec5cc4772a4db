/**
 * Databases on the run's shared server for one test file: a client opened
 * before its tests and closed after them, and fresh databases under a prefix,
 * dropped at the end. Consumers and pipelines registered with `track` are
 * stopped first, last tracked first.
 */
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, inject } from 'vitest';
import './provided-context.js';

interface Stoppable {
  stop?(): Promise<void>;
  close?(): Promise<void>;
}

/**
 * @example
 *   const databases = testDatabases('supply');
 *   it('…', async () => { const db = await databases.fresh(ensureFactIndexes); … });
 */
export function testDatabases(prefix: string) {
  let client: MongoClient | null = null;
  let count = 0;
  const created: Db[] = [];
  const running: Stoppable[] = [];
  beforeAll(async () => {
    client = await new MongoClient(inject('mongoUri')).connect();
  });
  afterAll(async () => {
    // Last tracked first: a consumer tracked after its pipeline stops before the pipeline closes.
    for (const work of running.reverse()) await (work.stop ?? work.close)?.call(work);
    for (const db of created) await db.dropDatabase();
    await client?.close();
  });
  return {
    get client(): MongoClient {
      if (!client) throw new Error('testDatabases: used outside a test');
      return client;
    },
    /** A new, empty database, prepared by `prepare` (e.g. its indexes). */
    async fresh(prepare?: (db: Db) => Promise<void>): Promise<Db> {
      const db = this.client.db(`${prefix}_${process.pid}_${++count}`);
      created.push(db);
      await prepare?.(db);
      return db;
    },
    /** Stop (or close) `work` when the file's tests are done. */
    track<T extends Stoppable>(work: T): T {
      running.push(work);
      return work;
    },
  };
}
