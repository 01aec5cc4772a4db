import { MongoClient, type Collection } from 'mongodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callbackLogger } from '../src/background/background-logger.js';
import { leasedJobs, type LeasedJobDocument, type LeasedJobsOptions } from '../src/background/leased-jobs.js';
import { createLogger } from '../src/logging/logger.js';
import { startDatabase, type StartedDatabase } from '../src/mongo/database-chain.js';

// shared's tests run without the workspace's database setup (no `inject('mongoUri')` here):
// this file starts its own embedded-mongo through the connection chain.
interface ExportJob extends LeasedJobDocument {
  _id: string;
  lastPart: number;
}

const LEASE_MS = 60_000;
const T0 = new Date('2026-01-24T10:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

const aJob = (overrides: Partial<ExportJob> = {}): ExportJob => ({
  _id: 'job-1',
  status: 'pending',
  runner: null,
  heartbeatAt: null,
  createdAt: T0,
  startedAt: null,
  completedAt: null,
  error: null,
  lastPart: 0,
  ...overrides,
});

let database: StartedDatabase;
let client: MongoClient;
let collection: Collection<ExportJob>;
let clock: Date;
let warnings: string[];

/** A runner named `runnerId` whose clock is the test's `clock`. */
function runner(runnerId: string, options: Partial<LeasedJobsOptions> = {}) {
  const log = callbackLogger((level, msg, fields) => warnings.push(`${level} ${msg} ${String(fields.jobId)}`));
  return leasedJobs(collection, { leaseMs: LEASE_MS, log, jobName: 'export job', runnerId, now: () => clock, ...options });
}

beforeAll(async () => {
  database = await startDatabase({ env: { MONGO_ENGINE: 'embedded' }, log: createLogger({ name: 'test', level: 'silent' }) });
  client = await MongoClient.connect(database.uri);
});
afterAll(async () => {
  await client?.close();
  await database?.stop();
});
beforeEach(async () => {
  collection = client.db('background_leases').collection<ExportJob>(`jobs_${Math.random().toString(36).slice(2)}`);
  clock = T0;
  warnings = [];
});

describe('leased jobs', () => {
  it('claims the oldest pending job, stamping runner, heartbeat and start', async () => {
    await collection.insertMany([aJob({ _id: 'newer', createdAt: at(1_000) }), aJob({ _id: 'older' })]);
    clock = at(5_000);
    const lease = await runner('runner-a').claim();
    expect(lease?.job).toMatchObject({ _id: 'older', status: 'running', runner: 'runner-a', heartbeatAt: at(5_000), startedAt: at(5_000) });
    expect(await collection.findOne({ _id: 'older' })).toMatchObject({ status: 'running', runner: 'runner-a', heartbeatAt: at(5_000), startedAt: at(5_000) });
    expect(await collection.findOne({ _id: 'newer' })).toMatchObject({ status: 'pending', runner: null });
  });

  it('does not take over a live lease, and takes over an expired one, keeping its start and progress', async () => {
    await collection.insertOne(aJob());
    const first = await runner('runner-a').claim();
    expect(first).not.toBeNull();

    clock = at(LEASE_MS); // a heartbeat exactly one lease old is still live
    expect(await runner('runner-b').claim()).toBeNull();

    await first!.heartbeat({ $set: { lastPart: 7 } });
    clock = at(2 * LEASE_MS);
    expect(await runner('runner-b').claim()).toBeNull(); // renewed at LEASE_MS: live until 2 × LEASE_MS

    clock = at(2 * LEASE_MS + 1);
    const takeover = await runner('runner-b').claim();
    expect(takeover?.job).toMatchObject({ _id: 'job-1', runner: 'runner-b', heartbeatAt: at(2 * LEASE_MS + 1), startedAt: T0, lastPart: 7 });
  });

  it('after a takeover the old holder can write nothing, and its heartbeat says so (logged)', async () => {
    await collection.insertOne(aJob());
    const stale = await runner('runner-a').claim();
    clock = at(LEASE_MS + 1);
    const fresh = await runner('runner-b').claim();

    expect(await stale!.heartbeat({ $set: { lastPart: 99 } })).toBe(false);
    expect(await stale!.complete()).toBe(false);
    expect(warnings).toEqual(['warn export job taken over by another runner job-1', 'warn export job taken over by another runner job-1']);
    expect(await collection.findOne({ _id: 'job-1' })).toMatchObject({ status: 'running', runner: 'runner-b', lastPart: 0 });

    clock = at(LEASE_MS + 2);
    expect(await fresh!.heartbeat({ $set: { lastPart: 3 } })).toBe(true);
    expect(await collection.findOne({ _id: 'job-1' })).toMatchObject({ runner: 'runner-b', heartbeatAt: at(LEASE_MS + 2), lastPart: 3 });
  });

  it('heartbeats renew the lease with the update written in the same operation', async () => {
    await collection.insertOne(aJob());
    const lease = await runner('runner-a').claim();
    clock = at(30_000);
    expect(await lease!.heartbeat({ $set: { lastPart: 4 } })).toBe(true);
    expect(await lease!.heartbeat({ $inc: { lastPart: 1 } })).toBe(true);
    expect(await collection.findOne({ _id: 'job-1' })).toMatchObject({ heartbeatAt: at(30_000), lastPart: 5 });
  });

  it('completes, fails and releases a job with the fields the documents have always had', async () => {
    await collection.insertMany([aJob({ _id: 'a' }), aJob({ _id: 'b', createdAt: at(1) }), aJob({ _id: 'c', createdAt: at(2) })]);
    const jobs = runner('runner-a');
    const [a, b, c] = [await jobs.claim(), await jobs.claim(), await jobs.claim()];
    clock = at(9_000);
    expect(await a!.complete({ lastPart: 12 })).toBe(true);
    expect(await b!.fail(new Error('disk full'))).toBe(true);
    expect(await c!.release()).toBe(true);
    const { _id: _a, ...completed } = (await collection.findOne({ _id: 'a' }))!;
    expect(completed).toEqual({
      status: 'completed',
      runner: 'runner-a',
      heartbeatAt: at(9_000),
      createdAt: T0,
      startedAt: T0,
      completedAt: at(9_000),
      error: null,
      lastPart: 12,
    });
    expect(await collection.findOne({ _id: 'b' })).toMatchObject({ status: 'failed', error: 'disk full', completedAt: at(9_000) });
    expect(await collection.findOne({ _id: 'c' })).toMatchObject({ status: 'pending', runner: null, heartbeatAt: null, startedAt: T0 });
    // A released job is free at once, for any runner; finished ones are never claimed again.
    expect((await runner('runner-b').claim())?.job).toMatchObject({ _id: 'c', runner: 'runner-b', startedAt: T0 });
    expect(await runner('runner-c').claim()).toBeNull();
  });

  it('drains jobs one at a time in queue order, failing (and logging) one whose work throws', async () => {
    await collection.insertMany([aJob({ _id: 'first' }), aJob({ _id: 'second', createdAt: at(1) }), aJob({ _id: 'third', createdAt: at(2) })]);
    const order: string[] = [];
    const ran = await runner('runner-a').drain(async (lease) => {
      order.push(lease.job._id);
      if (lease.job._id === 'second') throw new Error('bad input');
      await lease.complete();
    }, new AbortController().signal);
    expect(ran).toBe(3);
    expect(order).toEqual(['first', 'second', 'third']);
    expect(warnings).toEqual(['error export job failed second']);
    const statuses = await collection.find({}, { sort: { createdAt: 1 }, projection: { status: 1, error: 1 } }).toArray();
    expect(statuses).toEqual([
      { _id: 'first', status: 'completed', error: null },
      { _id: 'second', status: 'failed', error: 'bad input' },
      { _id: 'third', status: 'completed', error: null },
    ]);
  });

  it('a drain stopped by its signal runs no further job (one claimed meanwhile stays held until its lease lapses)', async () => {
    await collection.insertMany([aJob({ _id: 'first' }), aJob({ _id: 'second', createdAt: at(1) })]);
    const stop = new AbortController();
    const ran = await runner('runner-a').drain(async (lease) => {
      stop.abort();
      await lease.complete();
    }, stop.signal);
    expect(ran).toBe(1);
    expect(await collection.findOne({ _id: 'first' })).toMatchObject({ status: 'completed' });
    expect(await collection.findOne({ _id: 'second' })).toMatchObject({ status: 'running', runner: 'runner-a', completedAt: null });
  });
});
