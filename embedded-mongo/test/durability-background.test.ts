import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type Timestamp } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedMongoProcess } from '../src/index.js';
import { ChangeHistory } from '../src/changes/change-history.js';
import { createChangeStreams } from '../src/changes/index.js';
import { LogicalClock } from '../src/clock.js';
import { DurableStore, type DurableStoreOptions } from '../src/durability/durable-store.js';
import { LOCK_FILE } from '../src/durability/lock-file.js';
import { Engine } from '../src/storage/engine.js';
import { encodeKey } from '../src/storage/key-encoding.js';

/**
 * Background checkpoints: commits keep being acknowledged while a checkpoint
 * is written, and a kill in the middle of one recovers every acknowledged
 * write exactly once (checkpoint C, then journal-C and journal-(C+1) replayed).
 */
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'embedded-mongo-bgckpt-'));
  dirs.push(dir);
  return dir;
}

function journals(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /^journal-\d+\.log$/.test(name))
    .sort();
}

/** An engine with a durable store, wired as server-state does, for hooks the wire API does not expose. */
async function openStore(dir: string, extra: Partial<DurableStoreOptions> = {}): Promise<{ engine: Engine; history: ChangeHistory; durable: DurableStore }> {
  const clock = new LogicalClock();
  const engine = new Engine(clock);
  const history = new ChangeHistory(100_000);
  let durable: DurableStore | null = null;
  engine.changeStreams = createChangeStreams({
    clock,
    historyLimit: history.limit,
    history,
    lookup: { findById: (db, coll, id) => engine.findById(db, coll, id) },
    gate: (events, publish) => (durable ? durable.gate(events, publish) : publish()),
  });
  durable = await DurableStore.open({ dir, engine, history, clock, log: () => {}, ...extra });
  return { engine, history, durable };
}

/** One commit: the counter document's next version (its `n` + 1) and a padding document; resolves once durable. */
async function increment(engine: Engine, durable: DurableStore, i: number): Promise<void> {
  const current = engine.findById('bg', 'counters', 'c');
  const counter = { _id: 'c', n: Number(current?.n ?? 0) + 1 };
  const pad = { _id: i, pad: 'x'.repeat(500) };
  engine.commit(
    [
      { db: 'bg', coll: 'counters', id: encodeKey('c'), doc: counter },
      { db: 'bg', coll: 'pads', id: encodeKey(i), doc: pad },
    ],
    [
      { db: 'bg', coll: 'counters', op: current ? 'replace' : 'insert', documentKey: { _id: 'c' }, fullDocument: counter },
      { db: 'bg', coll: 'pads', op: 'insert', documentKey: { _id: i }, fullDocument: pad },
    ],
  );
  await durable.waitDurable();
}

describe('background checkpoints', () => {
  it('acknowledges writes while a checkpoint is being written, and recovers each exactly once', async () => {
    const dir = tempDir();
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let releaseLater!: () => void;
    const laterHeld = new Promise<void>((resolve) => (releaseLater = resolve));
    let journalsWhileHeld: string[] = [];
    const { engine, durable } = await openStore(dir, {
      checkpointBytes: 8 * 1024,
      log: (line) => {
        if (/^checkpoint \d+:/.test(line)) order.push('checkpoint finished');
      },
      beforeCheckpointWrite: async (gen) => {
        if (gen > 1) return laterHeld; // later checkpoints wait until the copy below is taken
        order.push('checkpoint started');
        journalsWhileHeld = journals(dir);
        await held;
      },
    });
    let i = 0;
    // Several writers, so commits are recorded while a batch's append is in flight (a leaky capture would show).
    const writers = (until: () => boolean): Promise<unknown> =>
      Promise.all(
        Array.from({ length: 4 }, async () => {
          while (!until()) await increment(engine, durable, i++);
        }),
      );
    await writers(() => order.includes('checkpoint started'));
    for (let j = 0; j < 20; j++) {
      await increment(engine, durable, i++);
      order.push('ack');
    }
    // Twenty commits acknowledged (durable in journal-1) while checkpoint 1 could not finish.
    expect(order).toEqual(['checkpoint started', ...Array<string>(20).fill('ack')]);
    expect(journalsWhileHeld).toEqual(['journal-0.log', 'journal-1.log']);
    release();
    await writers(() => order.includes('checkpoint finished'));
    expect(order.indexOf('checkpoint finished')).toBeGreaterThan(order.lastIndexOf('ack'));

    // The directory as a crash would leave it now (every acknowledged commit is on disk): checkpoint 1 + journal-1.
    const copy = tempDir();
    cpSync(dir, copy, { recursive: true, filter: (path) => !path.endsWith(LOCK_FILE) });
    expect(journals(copy)[0]).toBe('journal-1.log'); // journal-2 too if checkpoint 2 was started (and held)
    releaseLater();
    await durable.close();
    for (const recovered of [copy, dir]) {
      const again = await openStore(recovered);
      expect(again.engine.findById('bg', 'counters', 'c')?.n).toBe(i);
      expect(again.engine.collection('bg', 'pads')?.docs.size).toBe(i);
      const keys = again.history.retained().map((event) => event.key);
      expect(keys.length).toBe(2 * i);
      expect(new Set(keys).size).toBe(keys.length);
      await again.durable.close();
    }
  });

  it('recovers from a kill during a background checkpoint: checkpoint C plus journals C and C+1, nothing twice', { timeout: 150_000 }, async () => {
    const counters = ['a', 'b', 'c', 'd'];
    let midCheckpoint = 0;
    for (let round = 0; round < 4; round++) {
      // A fresh directory: one large commit passes the threshold, so the next batch starts checkpoint 1 of a state that takes a while to write.
      const dir = tempDir();
      const acked = new Map(counters.map((id) => [id, 0]));
      const attempted = new Map(counters.map((id) => [id, 0]));
      let started = false;
      let acksSinceStart = 0;
      let killed = false;
      const server = await startEmbeddedMongoProcess({
        dbpath: dir,
        checkpointBytes: 64 * 1024,
        log: (line) => {
          if (/^checkpoint 1 started in the background/.test(line)) started = true;
        },
      });
      const client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 });
      const db = client.db('bg');
      await db.collection<{ _id: number; pad: string }>('state').insertMany(Array.from({ length: 2_000 }, (_, j) => ({ _id: j, pad: 'y'.repeat(4_000) })));
      const t0 = ((await db.command({ ping: 1 })) as { operationTime: Timestamp }).operationTime;
      await Promise.all(
        counters.map(async (id) => {
          const coll = db.collection<{ _id: string; n: number }>('counters');
          while (!killed) {
            attempted.set(id, (attempted.get(id) ?? 0) + 1);
            try {
              await coll.updateOne({ _id: id }, { $inc: { n: 1 } }, { upsert: true });
            } catch {
              break; // the engine was killed under the write: it may or may not have committed
            }
            acked.set(id, (acked.get(id) ?? 0) + 1);
            // Kill once a few commits were acknowledged after the checkpoint started (they went to journal-1).
            if (started && ++acksSinceStart >= 4 && !killed) {
              killed = true;
              process.kill(server.pid, 'SIGKILL');
            }
          }
        }),
      );
      await server.stop();
      await client.close(true);
      if (journals(dir).length >= 2) midCheckpoint++;

      const again = await startEmbeddedMongoProcess({ dbpath: dir, log: () => {} });
      const checker = new MongoClient(again.uri, { serverSelectionTimeoutMS: 5_000 });
      const restored = checker.db('bg');
      expect(await restored.collection('state').countDocuments()).toBe(2_000);
      const coll = restored.collection<{ _id: string; n: number }>('counters');
      const values = new Map((await coll.find().toArray()).map((doc) => [doc._id, doc.n]));
      for (const id of counters) {
        // Every acknowledged increment; at most the one unanswered when the engine died.
        expect(values.get(id) ?? 0).toBeGreaterThanOrEqual(acked.get(id) ?? 0);
        expect(values.get(id) ?? 0).toBeLessThanOrEqual(attempted.get(id) ?? 0);
      }
      // Each increment is one change event: a journal replayed twice would show more.
      const total = [...values.values()].reduce((sum, n) => sum + n, 0);
      const stream = coll.watch([], { startAtOperationTime: t0, maxAwaitTimeMS: 100 });
      const seen = new Map<string, number>();
      const tokens = new Set<string>();
      let events = 0;
      for (let idle = 0; idle < 3;) {
        const event = await stream.tryNext();
        if (!event) {
          if (events >= total) idle++;
          continue;
        }
        events++;
        tokens.add(JSON.stringify(event._id));
        if ('documentKey' in event) {
          const key = String(event.documentKey._id);
          seen.set(key, (seen.get(key) ?? 0) + 1);
        }
      }
      await stream.close();
      expect(tokens.size).toBe(events);
      expect(Object.fromEntries(seen)).toEqual(Object.fromEntries(values));
      await checker.close();
      await again.stop();
    }
    // At least two of the kills landed while checkpoint 1 was being written (journal-0 and journal-1 both on disk).
    expect(midCheckpoint).toBeGreaterThanOrEqual(2);
  });
});
