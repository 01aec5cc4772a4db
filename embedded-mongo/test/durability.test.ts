import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MongoClient, type MongoServerError, type ResumeToken } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedMongo, startEmbeddedMongoProcess, type EmbeddedMongo } from '../src/index.js';
import { decodeRecords } from '../src/durability/record-format.js';
import { LOCK_FILE } from '../src/durability/lock-file.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'embedded-mongo-durable-'));
  dirs.push(dir);
  return dir;
}

const quiet = { log: () => {} };

/** Documents with the `_id`s these tests choose. */
type Doc = { _id: number | string } & Record<string, unknown>;

async function withClient<T>(server: EmbeddedMongo, fn: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

/** A small deterministic generator (mulberry32), so a failing seed can be rerun. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('durable engine (--dbpath)', () => {
  it('keeps documents, indexes, transactions and the change history across a clean restart', async () => {
    const dir = tempDir();
    const first = await startEmbeddedMongo({ dbpath: dir, ...quiet });
    const token = await withClient(first, async (client) => {
      const items = client.db('app').collection<Doc>('items');
      await items.createIndex({ sku: 1 }, { unique: true });
      await items.insertMany(Array.from({ length: 500 }, (_, i) => ({ _id: i, sku: `s${i}`, qty: i })));
      await items.updateOne({ _id: 5 }, { $set: { qty: 5_000 } });
      await items.deleteOne({ _id: 6 });
      const session = client.startSession();
      await session.withTransaction(async () => {
        await items.insertOne({ _id: 'tx', sku: 'tx' }, { session });
        await client.db('app').collection<Doc>('audit').insertOne({ _id: 'tx', what: 'insert' }, { session });
      });
      await session.endSession();
      const stream = items.watch();
      await stream.tryNext(); // opens the cursor: the driver is lazy
      await items.insertOne({ _id: 'before', sku: 'before' });
      const event = await stream.next();
      expect(event.operationType).toBe('insert');
      const resumeAt: ResumeToken = stream.resumeToken;
      await items.insertOne({ _id: 'after', sku: 'after' });
      await stream.close();
      return resumeAt;
    });
    await first.stop();

    const second = await startEmbeddedMongo({ dbpath: dir, ...quiet });
    await withClient(second, async (client) => {
      const items = client.db('app').collection<Doc>('items');
      expect(await items.countDocuments()).toBe(502);
      expect(await items.findOne({ _id: 5 })).toEqual({ _id: 5, sku: 's5', qty: 5_000 });
      expect(await items.findOne({ _id: 6 })).toBeNull();
      expect(await client.db('app').collection<Doc>('audit').findOne({ _id: 'tx' })).toEqual({ _id: 'tx', what: 'insert' });
      expect((await items.listIndexes().toArray()).map((index) => index.name)).toEqual(['_id_', 'sku_1']);
      await expect(items.insertOne({ _id: 'dup', sku: 's1' })).rejects.toMatchObject({ code: 11000 });
      // The index is built over the recovered documents: a lookup by sku finds them.
      expect(await items.findOne({ sku: 's499' })).toEqual({ _id: 499, sku: 's499', qty: 499 });
      const resumed = items.watch([], { resumeAfter: token });
      const next = await resumed.next();
      expect(next).toMatchObject({ operationType: 'insert', documentKey: { _id: 'after' } });
      await resumed.close();
    });
    await second.stop();
  });

  it('recovers a journal cut at any byte to exactly its last complete record', async () => {
    const dir = tempDir();
    const server = await startEmbeddedMongo({ dbpath: dir, ...quiet });
    const total = 60;
    await withClient(server, async (client) => {
      const coll = client.db('torn').collection<Doc>('c');
      // One acknowledged insert at a time: one journal record each.
      for (let i = 0; i < total; i++) await coll.insertOne({ _id: i, pad: 'x'.repeat((i * 37) % 200) });
    });
    const journal = readFileSync(join(dir, 'journal-0.log'));
    await server.stop();
    const { ends } = decodeRecords(journal);
    expect(ends).toHaveLength(total);

    const next = random(19);
    const cuts = [0, 1, 7, 8, ends[0] as number, (ends[0] as number) + 3, journal.length - 1, journal.length];
    for (let seed = 0; seed < 40; seed++) cuts.push(Math.floor(next() * (journal.length + 1)));
    for (const cut of cuts) {
      const complete = ends.filter((end) => end <= cut).length;
      const copy = tempDir();
      writeFileSync(join(copy, 'journal-0.log'), journal.subarray(0, cut));
      const recovered = await startEmbeddedMongo({ dbpath: copy, ...quiet });
      // The torn tail is cut off, so later records follow the last whole one.
      expect({ cut, size: statSync(join(copy, 'journal-0.log')).size }).toEqual({ cut, size: complete === 0 ? 0 : ends[complete - 1] });
      const ids = await withClient(recovered, async (client) => {
        const found = await client
          .db('torn')
          .collection<Doc>('c')
          .find({}, { projection: { _id: 1 } })
          .sort({ _id: 1 })
          .toArray();
        return found.map((doc) => doc._id as number);
      });
      expect({ cut, ids }).toEqual({ cut, ids: Array.from({ length: complete }, (_, i) => i) });
      await recovered.stop();
    }

    // A damaged byte inside the last record: that record is dropped, the rest recovered.
    const damaged = Buffer.from(journal);
    const lastStart = ends[total - 2] as number;
    damaged[lastStart + 20] = (damaged[lastStart + 20] as number) ^ 0xff;
    const copy = tempDir();
    writeFileSync(join(copy, 'journal-0.log'), damaged);
    const recovered = await startEmbeddedMongo({ dbpath: copy, ...quiet });
    expect(await withClient(recovered, (client) => client.db('torn').collection<Doc>('c').countDocuments())).toBe(total - 1);
    await recovered.stop();
  });

  it('writes checkpoints as the journal grows and recovers from checkpoint plus journal after a kill', async () => {
    const dir = tempDir();
    const server = await startEmbeddedMongoProcess({ dbpath: dir, checkpointBytes: 64 * 1024, ...quiet });
    const client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 });
    const coll = client.db('cp').collection<Doc>('c');
    for (let i = 0; i < 40; i++) await coll.insertMany(Array.from({ length: 25 }, (_, j) => ({ _id: i * 25 + j, pad: 'y'.repeat(100) })));
    await coll.updateMany({}, { $set: { v: 1 } });
    expect(existsSync(join(dir, 'checkpoint.bson'))).toBe(true);
    process.kill(server.pid, 'SIGKILL');
    await server.stop();
    await client.close(true);

    const again = await startEmbeddedMongo({ dbpath: dir, ...quiet });
    await withClient(again, async (c) => {
      expect(await c.db('cp').collection<Doc>('c').countDocuments({ v: 1 })).toBe(1_000);
    });
    await again.stop();
  });

  it('lets one engine use a directory at a time, and takes over the lock of a dead one', async () => {
    const dir = tempDir();
    const child = await startEmbeddedMongoProcess({ dbpath: dir, ...quiet });
    await expect(startEmbeddedMongo({ dbpath: dir, ...quiet })).rejects.toThrow(`in use by another embedded-mongo (pid ${child.pid}`);
    process.kill(child.pid, 'SIGKILL');
    await child.stop();
    // The killed engine left its lock behind; its pid is gone, so the lock is stale.
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(child.pid));
    const server = await startEmbeddedMongo({ dbpath: dir, ...quiet });
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
    await expect(startEmbeddedMongo({ dbpath: dir, ...quiet })).rejects.toThrow(`in use by another embedded-mongo (pid ${process.pid}, this process)`);
    await server.stop();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('refuses a data directory it cannot create', async () => {
    const file = join(tempDir(), 'not-a-directory');
    writeFileSync(file, 'x');
    await expect(startEmbeddedMongo({ dbpath: join(file, 'db'), ...quiet })).rejects.toThrow(/cannot create data directory .*not-a-directory/);
  });

  it('answers a write the disk refuses with an error and loses no acknowledged write', async () => {
    const dir = tempDir();
    // The engine under a 256 KiB file-size limit: journal appends past it fail (EFBIG), as on a full disk.
    const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const command = `ulimit -f 256; exec "${process.execPath}" --import "${import.meta.resolve('tsx')}" "${cli}" --port 0 --dbpath "${dir}"`;
    const child = spawn('bash', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr.resume();
    const uri = await new Promise<string>((resolve, reject) => {
      child.once('exit', () => reject(new Error('engine exited early')));
      createInterface({ input: child.stdout }).on('line', (line) => line.startsWith('ready ') && resolve(line.slice(6).trim()));
    });
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000, retryWrites: false });
    const coll = client.db('full').collection<Doc>('c');
    const acknowledged: number[] = [];
    let failure: MongoServerError | null = null;
    for (let i = 0; i < 2_000 && !failure; i++) {
      try {
        await coll.insertOne({ _id: i, pad: 'z'.repeat(1_000) });
        acknowledged.push(i);
      } catch (error) {
        failure = error as MongoServerError;
      }
    }
    expect(failure?.message).toMatch(/journal write to .* failed .*not acknowledged as durable/);
    expect(acknowledged.length).toBeGreaterThan(100);
    await client.close();
    child.kill('SIGKILL');
    await once(child, 'exit');

    const again = await startEmbeddedMongo({ dbpath: dir, ...quiet });
    await withClient(again, async (c) => {
      const ids = (
        await c
          .db('full')
          .collection<Doc>('c')
          .find({}, { projection: { _id: 1 } })
          .toArray()
      ).map((doc) => doc._id as number);
      expect(ids.filter((id) => id < acknowledged.length).sort((a, b) => a - b)).toEqual(acknowledged);
      expect(ids.length).toBeLessThanOrEqual(acknowledged.length + 1);
    });
    await again.stop();
  });
});
