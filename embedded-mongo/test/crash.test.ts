import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient, type ChangeStream, type Collection, type ResumeToken } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedMongoProcess } from '../src/index.js';

/**
 * The engine as a child process with a data directory, under a mixed write
 * load through the official driver, SIGKILLed again and again and restarted
 * on the same directory. After each restart: every acknowledged write is
 * there, no transaction is partly visible, unique indexes hold, every
 * acknowledged index exists, and a change stream resumed from the token held
 * at the kill continues without a gap or a repeat.
 */
const KILLS = 10;
const DB = 'crash';

type Doc = { _id: string } & Record<string, unknown>;

/** What the test knows was acknowledged (must survive) and attempted (may survive). */
interface Ledger {
  items: Set<string>;
  transactions: Set<string>;
  /** Per counter document: the last value acknowledged and the last attempted. */
  counters: Map<string, { acked: number; attempted: number }>;
  emails: Set<string>;
  indexes: Set<string>;
  unexpected: string[];
}

/** A change stream on `items` whose position (resume token) and deliveries outlive the engine. */
interface StreamState {
  token: ResumeToken;
  seen: Set<string>;
  duplicates: string[];
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('crash recovery', () => {
  it(`loses no acknowledged write across ${KILLS} SIGKILLs under a mixed load`, { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'embedded-mongo-crash-'));
    dirs.push(dir);
    const ledger: Ledger = { items: new Set(), transactions: new Set(), counters: new Map(), emails: new Set(), indexes: new Set(), unexpected: [] };
    const stream: StreamState = { token: undefined, seen: new Set(), duplicates: [] };
    const logs: string[] = [];
    let recoveries = 0;

    for (let generation = 0; generation <= KILLS; generation++) {
      // A small checkpoint threshold, so kills also land during and right after checkpoints.
      const server = await startEmbeddedMongoProcess({ dbpath: dir, checkpointBytes: 256 * 1024, log: (line) => logs.push(line) });
      const client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 3_000, retryWrites: false, retryReads: false });
      await client.connect();
      const db = client.db(DB);
      if (generation === 0) {
        await db.collection('users').createIndex({ email: 1 }, { unique: true });
      } else {
        await verify(client, ledger, stream);
        recoveries++;
      }
      if (generation === KILLS) {
        await client.close();
        await server.stop();
        break;
      }

      let stopped = false;
      const consumer = await consume(db.collection<Doc>('items'), stream, () => stopped);
      const load = [
        ...[0, 1, 2].map((w) => insertItems(db.collection<Doc>('items'), `${generation}-${w}`, ledger, () => stopped)),
        ...[0, 1].map((w) => updateCounter(db.collection<Doc>('counters'), `c${w}`, ledger, () => stopped)),
        ...[0, 1].map((w) => transactions(client, `${generation}-${w}`, ledger, () => stopped)),
        insertUsers(db.collection<Doc>('users'), generation, ledger, () => stopped),
        buildIndex(db.collection<Doc>('items'), generation, ledger, () => stopped),
      ];
      await sleep(500 + ((generation * 389) % 900));
      // From here no new operation starts; those in flight die with the engine, unacknowledged.
      stopped = true;
      process.kill(server.pid, 'SIGKILL');
      await server.stop();
      await client.close(true);
      await Promise.all(load);
      await consumer.done;
    }

    expect(ledger.unexpected).toEqual([]);
    expect(stream.duplicates).toEqual([]);
    expect(recoveries).toBe(KILLS);
    // The load did real work in every generation.
    expect(ledger.items.size).toBeGreaterThan(KILLS * 20);
    expect(ledger.transactions.size).toBeGreaterThan(KILLS * 2);
    expect(ledger.indexes.size).toBeGreaterThan(0);
    expect(logs.some((line) => line.startsWith('checkpoint '))).toBe(true);
  });
});

/** Everything acknowledged is there, nothing half-done is visible, and the stream resumes exactly. */
async function verify(client: MongoClient, ledger: Ledger, stream: StreamState): Promise<void> {
  const db = client.db(DB);
  const items = new Set(
    (
      await db
        .collection<Doc>('items')
        .find({}, { projection: { _id: 1 } })
        .toArray()
    ).map((doc) => doc._id),
  );
  expect([...ledger.items].filter((id) => !items.has(id))).toEqual([]);

  // Transactions: all three parts and the tally increment, or nothing.
  const parts = await db
    .collection<Doc>('parts')
    .aggregate<{ _id: string; n: number }>([{ $group: { _id: '$txn', n: { $sum: 1 } } }])
    .toArray();
  expect(parts.filter((group) => group.n !== 3)).toEqual([]);
  const committed = new Set(parts.map((group) => group._id));
  expect([...ledger.transactions].filter((id) => !committed.has(id))).toEqual([]);
  const tallies = await db.collection<Doc>('tallies').find().toArray();
  expect(tallies.reduce((n, doc) => n + Number(doc.n), 0)).toBe(committed.size);

  for (const [id, { acked, attempted }] of ledger.counters) {
    const value = Number((await db.collection<Doc>('counters').findOne({ _id: id }))?.v ?? 0);
    expect({ id, ok: value >= acked && value <= attempted }).toEqual({ id, ok: true });
  }

  // The unique index survived and holds: no duplicate among the documents, and a new duplicate is refused.
  const users = db.collection<Doc>('users');
  expect((await users.listIndexes().toArray()).map((index) => index.name)).toContain('email_1');
  const emails = (await users.find().toArray()).map((doc) => String(doc.email));
  expect(new Set(emails).size).toBe(emails.length);
  expect([...ledger.emails].filter((email) => !emails.includes(email))).toEqual([]);
  if (emails[0]) await expect(users.insertOne({ _id: `dup-${Date.now()}`, email: emails[0] })).rejects.toMatchObject({ code: 11000 });

  const indexes = new Set((await db.collection<Doc>('items').listIndexes().toArray()).map((index) => String(index.name)));
  expect([...ledger.indexes].filter((name) => !indexes.has(name))).toEqual([]);

  // Resume from the token held when the engine died: the events still to come are exactly the inserts not yet seen.
  const resumed = db.collection<Doc>('items').watch([{ $match: { operationType: 'insert' } }], stream.token ? { resumeAfter: stream.token } : {});
  const deadline = Date.now() + 15_000;
  while (stream.seen.size < items.size && Date.now() < deadline) {
    const event = await resumed.tryNext();
    if (event?.operationType === 'insert') record(stream, event.documentKey._id);
    stream.token = resumed.resumeToken;
  }
  await resumed.close();
  expect(stream.duplicates).toEqual([]);
  expect([...items].filter((id) => !stream.seen.has(id))).toEqual([]);
  expect([...stream.seen].filter((id) => !items.has(id))).toEqual([]);
}

function record(stream: StreamState, id: string): void {
  if (stream.seen.has(id)) stream.duplicates.push(id);
  stream.seen.add(id);
}

/**
 * Open a stream on `items` inserts (resuming from the saved token), then
 * follow it until stopped, remembering the token after every batch. Resolves
 * once the stream is open (the driver opens it lazily, on the first read).
 */
async function consume(items: Collection<Doc>, stream: StreamState, stopped: () => boolean): Promise<{ done: Promise<void> }> {
  const changes = items.watch([{ $match: { operationType: 'insert' } }], { maxAwaitTimeMS: 100, ...(stream.token ? { resumeAfter: stream.token } : {}) });
  const first = await changes.tryNext();
  if (first?.operationType === 'insert') record(stream, first.documentKey._id);
  if (changes.resumeToken) stream.token = changes.resumeToken;
  return { done: follow(changes, stream, stopped) };
}

async function follow(changes: ChangeStream<Doc>, stream: StreamState, stopped: () => boolean): Promise<void> {
  try {
    while (!stopped()) {
      const event = await changes.tryNext();
      if (event?.operationType === 'insert') record(stream, event.documentKey._id);
      if (changes.resumeToken) stream.token = changes.resumeToken;
    }
  } catch {
    // The engine was killed under the stream.
  } finally {
    await changes.close().catch(() => {});
  }
}

/** Run `op` until stopped; errors are expected only once the engine is gone (or when `expected` says so). */
async function loop(
  ledger: Ledger,
  stopped: () => boolean,
  op: (i: number) => Promise<void>,
  expected: (error: unknown) => boolean = () => false,
): Promise<void> {
  for (let i = 0; !stopped(); i++) {
    try {
      await op(i);
    } catch (error) {
      if (stopped()) return;
      if (!expected(error)) {
        ledger.unexpected.push(String((error as Error).message));
        return;
      }
    }
  }
}

function insertItems(items: Collection<Doc>, prefix: string, ledger: Ledger, stopped: () => boolean): Promise<void> {
  return loop(ledger, stopped, async (i) => {
    if (i % 4 === 3) {
      const ids = [0, 1, 2, 3, 4].map((j) => `${prefix}-${i}-${j}`);
      await items.insertMany(ids.map((_id) => ({ _id, f: i })));
      for (const id of ids) ledger.items.add(id);
    } else {
      const _id = `${prefix}-${i}`;
      await items.insertOne({ _id, f: i, pad: 'p'.repeat(i % 300) });
      ledger.items.add(_id);
    }
  });
}

function updateCounter(counters: Collection<Doc>, id: string, ledger: Ledger, stopped: () => boolean): Promise<void> {
  const state = ledger.counters.get(id) ?? { acked: 0, attempted: 0 };
  ledger.counters.set(id, state);
  return loop(ledger, stopped, async () => {
    const value = state.attempted + 1;
    state.attempted = value;
    await counters.updateOne({ _id: id }, { $set: { v: value } }, { upsert: true });
    state.acked = value;
  });
}

/** Three parts and a tally increment, committed together. */
function transactions(client: MongoClient, prefix: string, ledger: Ledger, stopped: () => boolean): Promise<void> {
  const db = client.db(DB);
  return loop(
    ledger,
    stopped,
    async (i) => {
      const txn = `${prefix}-${i}`;
      const session = client.startSession();
      try {
        session.startTransaction();
        await db.collection<Doc>('parts').insertMany(
          [0, 1, 2].map((part) => ({ _id: `${txn}-${part}`, txn })),
          { session },
        );
        await db
          .collection<{ _id: string; n: number }>('tallies')
          .updateOne({ _id: `w${prefix.split('-')[1]}` }, { $inc: { n: 1 } }, { session, upsert: true });
        await session.commitTransaction();
        ledger.transactions.add(txn);
      } catch (error) {
        await session.abortTransaction().catch(() => {});
        throw error;
      } finally {
        await session.endSession().catch(() => {});
      }
    },
    (error) => (error as { code?: number }).code === 112 || (error as { code?: number }).code === 251,
  );
}

/** Emails from a small pool under a unique index: many inserts are refused as duplicates, as they must be. */
function insertUsers(users: Collection<Doc>, generation: number, ledger: Ledger, stopped: () => boolean): Promise<void> {
  return loop(
    ledger,
    stopped,
    async (i) => {
      const email = `u${(generation * 7919 + i * 104729) % 400}@example.com`;
      await users.insertOne({ _id: `${generation}-${i}`, email });
      ledger.emails.add(email);
    },
    (error) => (error as { code?: number }).code === 11000,
  );
}

/** One index build per generation, on a key of its own, while the other writers run. */
async function buildIndex(items: Collection<Doc>, generation: number, ledger: Ledger, stopped: () => boolean): Promise<void> {
  await sleep(100 + ((generation * 211) % 600));
  await loop(ledger, stopped, async (i) => {
    if (i > 0) return sleep(50);
    const name = `by_f_g${generation}`;
    await items.createIndex({ f: 1, [`g${generation}`]: 1 }, { name });
    ledger.indexes.add(name);
  });
}
