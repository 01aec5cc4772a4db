/**
 * embedded-mongo with a data directory (`--dbpath`) against the same engine in
 * memory, in one run, and the durable engine's restart time.
 *
 *   pnpm bench:embedded-mongo-durable [--docs 100000] [--ops 3000] [--json]
 *
 * Measures, with each engine in its own process and one driver client:
 * single inserts/s and committed transactions/s (two inserts each) with 1 and
 * 32 in flight, in memory and durable (the ratio is the cost of acknowledging
 * only after fdatasync); then, with `--docs` small documents (and their change
 * events) in the durable engine, the time from spawning the engine to its
 * `ready` line after a clean stop (recovery from a checkpoint) and after a
 * SIGKILL (checkpoint plus journal replay), with the engine's own recovery time
 * from its log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedMongoProcess } from '@icc/embedded-mongo';
import { MongoClient } from 'mongodb';
import { measureThroughput } from '../src/bench-kit/latency.js';
import { describeMachine } from '../src/bench-kit/machine.js';

const { values: flags } = parseArgs({
  options: {
    docs: { type: 'string', default: '100000' },
    ops: { type: 'string', default: '3000' },
    json: { type: 'boolean', default: false },
  },
});
const DOCS = Number(flags.docs);
const OPS = Number(flags.ops);
const progress = (line: string) => process.stderr.write(`${line}\n`);

interface Throughput {
  inserts1: number;
  inserts32: number;
  transactions1: number;
  transactions32: number;
}

async function throughput(dbpath: string | undefined): Promise<Throughput> {
  const engine = await startEmbeddedMongoProcess({ ...(dbpath ? { dbpath } : {}), log: () => {} });
  const client = await MongoClient.connect(engine.uri, { maxPoolSize: 64 });
  try {
    const db = client.db('bench');
    await measureThroughput(OPS, 4, (i) => db.collection('warmup').insertOne({ i })); // JIT warm-up
    const inserts1 = await measureThroughput(OPS, 1, (i) => db.collection('inserts').insertOne({ i, at: new Date() }));
    const inserts32 = await measureThroughput(OPS * 2, 32, (i) => db.collection('inserts32').insertOne({ i, at: new Date() }));
    const transaction = async (i: number, coll: string): Promise<void> => {
      const session = client.startSession();
      try {
        await session.withTransaction(async () => {
          await db.collection(coll).insertOne({ i, part: 0 }, { session });
          await db.collection(coll).insertOne({ i, part: 1 }, { session });
        });
      } finally {
        await session.endSession();
      }
    };
    const transactions1 = await measureThroughput(OPS / 2, 1, (i) => transaction(i, 'txn'));
    const transactions32 = await measureThroughput(OPS, 32, (i) => transaction(i, 'txn32'));
    return {
      inserts1: inserts1.opsPerSecond,
      inserts32: inserts32.opsPerSecond,
      transactions1: transactions1.opsPerSecond,
      transactions32: transactions32.opsPerSecond,
    };
  } finally {
    await client.close();
    await engine.stop();
  }
}

/** Spawn the durable engine on `dir` and time it to ready; the engine's own recovery time comes from its log. */
async function timedStart(dir: string): Promise<{ engine: Awaited<ReturnType<typeof startEmbeddedMongoProcess>>; readyMs: number; recoveryMs: number }> {
  let recoveryMs = Number.NaN;
  const started = performance.now();
  const engine = await startEmbeddedMongoProcess({
    dbpath: dir,
    log: (line) => {
      const match = /^recovered .* in (\d+) ms$/.exec(line);
      if (match) recoveryMs = Number(match[1]);
    },
  });
  return { engine, readyMs: Math.round(performance.now() - started), recoveryMs };
}

async function restart(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'embedded-mongo-bench-'));
  try {
    const empty = await timedStart(dir);
    const client = await MongoClient.connect(empty.engine.uri);
    const coll = client.db('bench').collection('restart');
    await coll.createIndex({ sku: 1 }, { unique: true });
    for (let i = 0; i < DOCS; i += 1_000) {
      await coll.insertMany(Array.from({ length: Math.min(1_000, DOCS - i) }, (_, k) => ({ sku: `SKU-${i + k}`, qty: (i + k) % 97, at: new Date() })));
    }
    await client.close();
    progress(`${DOCS} documents written; SIGKILL and restart (journal replay)`);
    process.kill(empty.engine.pid, 'SIGKILL');
    await empty.engine.stop();
    const afterKill = await timedStart(dir);
    progress('clean stop (checkpoint) and restart');
    const stopStarted = performance.now();
    await afterKill.engine.stop();
    const cleanStopMs = Math.round(performance.now() - stopStarted);
    const afterStop = await timedStart(dir);
    const check = await MongoClient.connect(afterStop.engine.uri);
    const count = await check.db('bench').collection('restart').countDocuments();
    await check.close();
    await afterStop.engine.stop();
    if (count !== DOCS) throw new Error(`expected ${DOCS} documents after restart, found ${count}`);
    return {
      emptyReadyMs: empty.readyMs,
      afterKillReadyMs: afterKill.readyMs,
      afterKillRecoveryMs: afterKill.recoveryMs,
      cleanStopMs,
      afterStopReadyMs: afterStop.readyMs,
      afterStopRecoveryMs: afterStop.recoveryMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  progress('in memory');
  const memory = await throughput(undefined);
  progress('durable');
  const dir = mkdtempSync(join(tmpdir(), 'embedded-mongo-bench-'));
  const durable = await throughput(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
  progress(`restart with ${DOCS} documents`);
  const restartTimes = await restart();
  const ratio = (key: keyof Throughput) => Math.round((durable[key] / memory[key]) * 100) / 100;
  const report = {
    machine: describeMachine(),
    date: new Date().toISOString().slice(0, 10),
    memory,
    durable,
    ratio: { inserts1: ratio('inserts1'), inserts32: ratio('inserts32'), transactions1: ratio('transactions1'), transactions32: ratio('transactions32') },
    restart: { docs: DOCS, ...restartTimes },
  };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  console.log(`machine: ${report.machine}`);
  console.table({
    'inserts/s, 1 in flight': { memory: memory.inserts1, durable: durable.inserts1, ratio: report.ratio.inserts1 },
    'inserts/s, 32 in flight': { memory: memory.inserts32, durable: durable.inserts32, ratio: report.ratio.inserts32 },
    'transactions/s, 1 in flight': { memory: memory.transactions1, durable: durable.transactions1, ratio: report.ratio.transactions1 },
    'transactions/s, 32 in flight': { memory: memory.transactions32, durable: durable.transactions32, ratio: report.ratio.transactions32 },
  });
  console.table(report.restart);
}

await main();
