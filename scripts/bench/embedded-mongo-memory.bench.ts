/**
 * embedded-mongo's resident memory and load time with a demo-sized database.
 *
 *   pnpm bench:embedded-mongo-memory [--docs 1000000] [--updates 0.5] [--history 2000000] [--durable] [--json]
 *
 * Loads `--docs` documents shaped like the demo's (15 fields, a nested
 * document and an array; a unique compound index and two more) through the
 * official driver in batches of 1 000, then updates `--updates` × docs of
 * them (one `$inc`/`$set` each, as stock movements do), into an engine in its
 * own process, twice in one run: with a change history of `--history` events
 * (as `pnpm start` runs it) and with a history of one event, so the
 * difference is the history's share. With `--durable`, the same load goes
 * into a durable engine (a data directory) as a third run, and that engine is
 * then restarted to time its recovery. Reports the engine's resident set
 * (`serverStatus.mem`, and the peak from /proc), its V8 heap, and bytes per
 * document. `--engine <file>` loads `startEmbeddedMongoProcess` from another
 * checkout's embedded-mongo/src/child-process.ts, to compare before/after.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedMongoProcess } from '@icc/embedded-mongo';
import { MongoClient, ObjectId, type Db, type Document } from 'mongodb';
import { describeMachine, processCpuMillis } from '../src/bench-kit/machine.js';

const { values: flags } = parseArgs({
  options: {
    docs: { type: 'string', default: '1000000' },
    updates: { type: 'string', default: '0.5' },
    history: { type: 'string', default: '2000000' },
    durable: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    engine: { type: 'string' },
  },
});
const startEngine: typeof startEmbeddedMongoProcess = flags.engine
  ? ((await import(flags.engine)) as { startEmbeddedMongoProcess: typeof startEmbeddedMongoProcess }).startEmbeddedMongoProcess
  : startEmbeddedMongoProcess;
const DOCS = Number(flags.docs);
const UPDATES = Math.round(DOCS * Number(flags.updates));
const HISTORY = Number(flags.history);
const BATCH = 1_000;
const HEAP_MB = 12_288;
const progress = (line: string) => process.stderr.write(`${line}\n`);

const TENANTS = Array.from({ length: 8 }, () => new ObjectId());

function demoDoc(i: number, id: ObjectId): Document {
  return {
    _id: id,
    tenantId: TENANTS[i % TENANTS.length],
    sku: `SKU-${i.toString().padStart(8, '0')}`,
    warehouse: `WH-${i % 12}`,
    kind: i % 3 === 0 ? 'receipt' : 'sale',
    qty: (i * 7) % 113,
    unitCost: ((i * 13) % 5000) / 100,
    at: new Date(1_700_000_000_000 + i * 60_000),
    day: `2026-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
    source: { system: 'demo', ref: `ORD-${i}` },
    tags: ['demo', `c${i % 40}`],
    seq: i,
    features: { mean7: (i % 97) / 7, mean28: (i % 89) / 28, trend: ((i % 11) - 5) / 10 },
    status: 'posted',
    version: 1,
  };
}

interface Phase {
  seconds: number;
  residentMb: number;
  peakResidentMb: number;
  heapUsedMb: number;
}

/** Resident set (VmRSS) or its peak (VmHWM) of a process from /proc, in MiB. */
function residentMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : Number.NaN;
}

async function measure(db: Db, pid: number, started: number): Promise<Phase> {
  const status = await db.admin().command({ serverStatus: 1 });
  // serverStatus.mem.heap is new; an older engine (--engine) reports no heap.
  const heapUsed = (status.mem as { heap?: { used: number | bigint } } | undefined)?.heap?.used;
  return {
    seconds: Math.round((performance.now() - started) / 100) / 10,
    residentMb: residentMb(pid, 'VmRSS'),
    peakResidentMb: residentMb(pid, 'VmHWM'),
    heapUsedMb: heapUsed === undefined ? Number.NaN : Math.round(Number(heapUsed) / 2 ** 20),
  };
}

async function load(db: Db, pid: number): Promise<{ loaded: Phase; updated: Phase }> {
  const coll = db.collection('movements');
  await coll.createIndex({ tenantId: 1, sku: 1, seq: 1 }, { unique: true });
  await coll.createIndex({ tenantId: 1, at: -1 });
  await coll.createIndex({ tenantId: 1, warehouse: 1, day: 1 });
  const ids = Array.from({ length: DOCS }, () => new ObjectId());
  let started = performance.now();
  for (let i = 0; i < DOCS; i += BATCH) {
    await coll.insertMany(
      ids.slice(i, i + BATCH).map((id, k) => demoDoc(i + k, id)),
      { ordered: true },
    );
    if ((i + BATCH) % 200_000 === 0) progress(`  inserted ${(i + BATCH).toLocaleString()}`);
  }
  const loaded = await measure(db, pid, started);
  started = performance.now();
  for (let u = 0; u < UPDATES; u += BATCH) {
    const ops = Array.from({ length: Math.min(BATCH, UPDATES - u) }, (_, k) => ({
      updateOne: { filter: { _id: ids[((u + k) * 7919) % DOCS] }, update: { $inc: { qty: 1, version: 1 }, $set: { status: 'adjusted' } } },
    }));
    await coll.bulkWrite(ops, { ordered: true });
  }
  const updated = await measure(db, pid, started);
  return { loaded, updated };
}

async function run(label: string, historyLimit: number, dbpath?: string): Promise<{ loaded: Phase; updated: Phase; recovery?: Document }> {
  progress(`${label}: ${DOCS.toLocaleString()} documents, ${UPDATES.toLocaleString()} updates, history ${historyLimit.toLocaleString()}`);
  const engine = await startEngine({ historyLimit, maxHeapMb: HEAP_MB, ...(dbpath ? { dbpath } : {}), log: () => {} });
  let result: { loaded: Phase; updated: Phase };
  const client = await MongoClient.connect(engine.uri);
  try {
    result = await load(client.db('bench'), engine.pid);
  } finally {
    await client.close();
    await engine.stop();
  }
  if (!dbpath) return result;
  progress(`${label}: restart (recovery from the final checkpoint)`);
  let recoveryMs = Number.NaN;
  const started = performance.now();
  const again = await startEngine({
    historyLimit,
    maxHeapMb: HEAP_MB,
    dbpath,
    log: (line) => {
      const match = /^recovered .* in (\d+) ms$/.exec(line);
      if (match) recoveryMs = Number(match[1]);
    },
  });
  const readyMs = Math.round(performance.now() - started);
  // CPU the engine used to start and recover: steadier than wall time on a busy machine.
  const readyCpuMs = processCpuMillis(again.pid);
  const check = await MongoClient.connect(again.uri);
  const count = await check.db('bench').collection('movements').estimatedDocumentCount();
  const after = await measure(check.db('bench'), again.pid, started);
  await check.close();
  await again.stop();
  if (count !== DOCS) throw new Error(`expected ${DOCS} documents after restart, found ${count}`);
  return { ...result, recovery: { readyMs, readyCpuMs, recoveryMs, residentMb: after.residentMb, peakResidentMb: after.peakResidentMb } };
}

async function main(): Promise<void> {
  const withHistory = await run('history on', HISTORY);
  const withoutHistory = await run('history 1', 1);
  let durable: Awaited<ReturnType<typeof run>> | undefined;
  if (flags.durable) {
    const dir = mkdtempSync(join(tmpdir(), 'embedded-mongo-memory-'));
    durable = await run('durable, history on', HISTORY, dir).finally(() => rmSync(dir, { recursive: true, force: true }));
  }
  const perDoc = (mb: number) => Math.round((mb * 2 ** 20) / DOCS);
  const report = {
    machine: describeMachine(),
    date: new Date().toISOString().slice(0, 10),
    docs: DOCS,
    updates: UPDATES,
    history: HISTORY,
    withHistory,
    withoutHistory,
    heapBytesPerDoc: { withHistory: perDoc(withHistory.updated.heapUsedMb), withoutHistory: perDoc(withoutHistory.updated.heapUsedMb) },
    historyShareOfHeap: Math.round((1 - withoutHistory.updated.heapUsedMb / withHistory.updated.heapUsedMb) * 100) / 100,
    ...(durable ? { durable, durableLoadRatio: Math.round((withHistory.loaded.seconds / durable.loaded.seconds) * 100) / 100 } : {}),
  };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  console.log(`machine: ${report.machine}; ${DOCS} docs, ${UPDATES} updates`);
  const rows: Record<string, Phase> = {
    'history on: loaded': withHistory.loaded,
    'history on: updated': withHistory.updated,
    'history 1: loaded': withoutHistory.loaded,
    'history 1: updated': withoutHistory.updated,
    ...(durable ? { 'durable: loaded': durable.loaded, 'durable: updated': durable.updated } : {}),
  };
  console.table(rows);
  console.log(
    `heap bytes/doc: ${JSON.stringify(report.heapBytesPerDoc)}; history share of heap: ${report.historyShareOfHeap}` +
      (durable ? `; durable load speed ×${report.durableLoadRatio} of in-memory; recovery ${JSON.stringify(durable.recovery)}` : ''),
  );
}

await main();
