/**
 * Live updates under load: commit → Socket.IO delivery latency with many
 * dashboards connected.
 *
 *   pnpm bench:live [--clients 1000] [--workers 2] [--rate 20] [--events 200] [--json]
 *
 * embedded-mongo and the operational service each run in their own process;
 * the socket.io clients (websocket transport) run in `--workers` child
 * processes of this script, so the clients' parsing does not share an event
 * loop with the load generator. This process sends stock adjustments over
 * HTTP, one at a time at `--rate` per second, and every client is on the
 * tenant's dashboard, so each adjustment is one event per client.
 *
 * Latency per delivery (all clocks are this host's wall clock, read with
 * sub-millisecond precision via performance.timeOrigin + performance.now()):
 * - commit → client: from the HTTP response of the adjustment (the commit is
 *   acknowledged) to the event at a client. The service publishes before it
 *   writes the response, so a delivery can precede the response; it counts as 0.
 * - publish → client: from the envelope's `at` (stamped by the hub, ms resolution).
 * - request → client: from sending the request, i.e. including the transaction.
 * Target: commit → client p99 < 100 ms with 1,000 clients.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { LiveEnvelope } from '@icc/shared';
import { ensureTenant, issueApiKey, registerModels } from '@icc/service-operational';
import mongoose from 'mongoose';
import { io, type Socket } from 'socket.io-client';
import { startEngineProcess, startOperationalProcess } from '../src/bench-kit/child-engine.js';
import { latencyHistogram, percentiles } from '../src/bench-kit/latency.js';
import { describeMachine } from '../src/bench-kit/machine.js';

const { values: flags } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000' },
    workers: { type: 'string', default: '2' },
    rate: { type: 'string', default: '20' },
    events: { type: 'string', default: '200' },
    json: { type: 'boolean', default: false },
    // Internal: this script re-run as a client worker.
    worker: { type: 'string' },
  },
});
const TENANT = 'bench';
const SKU = 'LIVE-BENCH-1';
const LOCATION = 'LIVE-WH';
const WARM_UP = 20;
const progress = (line: string) => process.stderr.write(`${line}\n`);
const wallMs = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Parent → worker and back, over the IPC channel. */
type ToWorker = { type: 'expect'; events: number };
type FromWorker =
  { type: 'ready'; connected: number } | { type: 'done'; deliveries: Record<string, { at: string; times: number[] }>; gaps: number; missing: number };

type StockEnvelope = LiveEnvelope<{ movements: Array<{ id: string }> }>;

// ---------------------------------------------------------------- worker side

async function runWorker(config: { url: string; key: string; clients: number }): Promise<void> {
  // Resolves once the message is handed to the channel: a large result must not be cut off by exiting.
  const send = (message: FromWorker) =>
    new Promise<void>((resolve, reject) => process.send!(message, undefined, {}, (error) => (error ? reject(error) : resolve())));
  const deliveries: Record<string, { at: string; times: number[] }> = {};
  const counts = new Array<number>(config.clients).fill(0);
  const lastSeq = new Array<number>(config.clients).fill(0);
  let gaps = 0;
  const sockets: Socket[] = [];

  async function connectOne(index: number): Promise<void> {
    const socket = io(config.url, { transports: ['websocket'], auth: { apiKey: config.key }, forceNew: true, reconnection: false });
    sockets.push(socket);
    socket.on('stock:updated', (envelope: StockEnvelope) => {
      const now = wallMs();
      const id = envelope.data.movements[0]!.id;
      (deliveries[id] ??= { at: envelope.at, times: [] }).times.push(now);
      if (lastSeq[index] && envelope.seq !== lastSeq[index] + 1) gaps += 1;
      lastSeq[index] = envelope.seq;
      counts[index]! += 1;
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
  }
  // In batches: a thousand simultaneous handshakes would measure the accept queue, not live updates.
  for (let start = 0; start < config.clients; start += 50) {
    await Promise.all(Array.from({ length: Math.min(50, config.clients - start) }, (_, k) => connectOne(start + k)));
  }
  await send({ type: 'ready', connected: sockets.length });

  const { events } = await new Promise<ToWorker>((resolve) => process.once('message', (m: ToWorker) => resolve(m)));
  const deadline = Date.now() + 15_000;
  while (counts.some((c) => c < events) && Date.now() < deadline) await sleep(20);
  const missing = counts.reduce((sum, c) => sum + Math.max(0, events - c), 0);
  for (const socket of sockets) socket.close();
  await send({ type: 'done', deliveries, gaps, missing });
  process.disconnect();
}

// ---------------------------------------------------------------- parent side

async function seed(uri: string, url: string): Promise<string> {
  const connection = await mongoose.createConnection(uri, { dbName: 'icc_operational' }).asPromise();
  const models = registerModels(connection);
  await ensureTenant(models, TENANT, 'Bench Co');
  const { key } = await issueApiKey(models, TENANT, 'bench', ['admin']);
  await connection.close();
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 201) throw new Error(`${path} → ${response.status} ${await response.text()}`);
    return (await response.json()) as { movements: Array<{ id: string }> };
  };
  await post('/api/products', {
    sku: SKU,
    name: 'Live bench widget',
    category: 'bench',
    unit: 'each',
    price: 10,
    cost: 5,
    reorderPoint: 10,
    safetyStock: 2,
    leadTimeDays: 3,
  });
  await post('/api/locations', { code: LOCATION, name: 'Live bench warehouse', type: 'warehouse', timeZone: 'Europe/Berlin' });
  await post('/api/stock/adjustment', { sku: SKU, locationCode: LOCATION, quantity: 1_000, reason: 'opening count' });
  return key;
}

function startWorker(url: string, key: string, clients: number): { child: ChildProcess; next: () => Promise<FromWorker> } {
  const child = fork(fileURLToPath(import.meta.url), ['--worker', JSON.stringify({ url, key, clients })], {
    execArgv: ['--import', 'tsx', '--conditions=source'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const inbox: FromWorker[] = [];
  const waiting: Array<{ resolve: (m: FromWorker) => void; reject: (e: Error) => void }> = [];
  let exited: Error | undefined;
  child.on('message', (m: FromWorker) => (waiting.length ? waiting.shift()!.resolve(m) : inbox.push(m)));
  // A worker that dies must fail the run, not leave it waiting for a report forever.
  child.once('exit', (code, signal) => {
    exited = new Error(`a client worker exited (${signal ?? code}) before reporting`);
    for (const w of waiting.splice(0)) w.reject(exited);
  });
  return {
    child,
    next: () => {
      if (inbox.length) return Promise.resolve(inbox.shift()!);
      if (exited) return Promise.reject(exited);
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
  };
}

async function main(): Promise<void> {
  const clients = Number(flags.clients);
  const workerCount = Math.max(1, Math.min(Number(flags.workers), clients));
  const rate = Number(flags.rate);
  const eventCount = Number(flags.events);
  const engine = await startEngineProcess();
  const service = await startOperationalProcess(engine.uri);
  const workers: ReturnType<typeof startWorker>[] = [];
  try {
    const key = await seed(engine.uri, service.url);
    progress(`connecting ${clients} clients in ${workerCount} worker process(es)`);
    const connectStarted = Date.now();
    for (let w = 0; w < workerCount; w++) {
      const share = Math.floor(clients / workerCount) + (w < clients % workerCount ? 1 : 0);
      workers.push(startWorker(service.url, key, share));
    }
    const ready = await Promise.all(workers.map((w) => w.next()));
    const connected = ready.reduce((sum, m) => sum + (m.type === 'ready' ? m.connected : 0), 0);
    progress(
      `${connected} clients connected in ${((Date.now() - connectStarted) / 1000).toFixed(1)} s; sending ${WARM_UP} warm-up + ${eventCount} adjustments at ${rate}/s`,
    );

    const sent = new Map<string, { requestMs: number; responseMs: number }>();
    const http = latencyHistogram();
    const interval = 1_000 / rate;
    const started = wallMs();
    for (let i = 0; i < WARM_UP + eventCount; i++) {
      const due = started + i * interval;
      if (wallMs() < due) await sleep(due - wallMs());
      const requestMs = wallMs();
      const response = await fetch(`${service.url}/api/stock/adjustment`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ sku: SKU, locationCode: LOCATION, quantity: i % 2 ? -1 : 1, reason: 'bench load' }),
      });
      const responseMs = wallMs();
      if (response.status !== 201) throw new Error(`adjustment → ${response.status} ${await response.text()}`);
      const body = (await response.json()) as { movements: Array<{ id: string }> };
      if ((i + 1) % 50 === 0) progress(`  ${i + 1} adjustments sent`);
      if (i >= WARM_UP) {
        sent.set(body.movements[0]!.id, { requestMs, responseMs });
        http.recordValue(Math.max(1, Math.round((responseMs - requestMs) * 1000)));
      }
    }
    const sendSeconds = (wallMs() - started) / 1000;
    // Other work on the host skews every figure here; the report says how busy it was.
    const loadAverage = loadavg()[0]!;
    for (const w of workers) w.child.send({ type: 'expect', events: WARM_UP + eventCount } satisfies ToWorker);
    progress('waiting for the clients to report');
    const results = await Promise.all(workers.map((w) => w.next()));

    const commit = latencyHistogram();
    const publish = latencyHistogram();
    const request = latencyHistogram();
    let beforeResponse = 0;
    let gaps = 0;
    let missing = 0;
    const micros = (ms: number) => Math.max(1, Math.round(ms * 1000));
    for (const result of results) {
      if (result.type !== 'done') continue;
      gaps += result.gaps;
      missing += result.missing;
      for (const [id, { at, times }] of Object.entries(result.deliveries)) {
        const timing = sent.get(id);
        if (!timing) continue; // warm-up
        const atMs = Date.parse(at);
        for (const received of times) {
          if (received < timing.responseMs) beforeResponse += 1;
          commit.recordValue(micros(received - timing.responseMs));
          publish.recordValue(micros(received - atMs));
          request.recordValue(micros(received - timing.requestMs));
        }
      }
    }
    const report = {
      machine: describeMachine(),
      date: new Date().toISOString().slice(0, 10),
      loadAverage1m: Math.round(loadAverage * 100) / 100,
      clients: connected,
      workers: workerCount,
      events: eventCount,
      ratePerSecond: Math.round((eventCount + WARM_UP) / sendSeconds),
      deliveries: commit.totalCount,
      expectedDeliveries: eventCount * connected,
      missing,
      seqGaps: gaps,
      deliveredBeforeHttpResponse: beforeResponse,
      commitToClient: percentiles(commit),
      publishToClient: percentiles(publish),
      requestToClient: percentiles(request),
      adjustmentHttp: percentiles(http),
    };
    if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      console.log(`machine: ${report.machine}; 1-minute load average during the run: ${report.loadAverage1m}`);
      console.log(
        `${report.clients} socket.io clients (websocket) in ${workerCount} process(es); ${eventCount} adjustments at ~${report.ratePerSecond}/s; ` +
          `${report.deliveries.toLocaleString()} of ${report.expectedDeliveries.toLocaleString()} deliveries measured, ${missing} missing, ${gaps} seq gaps; ` +
          `${beforeResponse.toLocaleString()} arrived before the HTTP response`,
      );
      console.table({
        'commit (HTTP response) → client': report.commitToClient,
        'publish (envelope.at) → client': report.publishToClient,
        'request sent → client': report.requestToClient,
        'POST /api/stock/adjustment': report.adjustmentHttp,
      });
    }
  } finally {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill();
    await service.stop();
    await engine.stop();
  }
}

if (flags.worker) await runWorker(JSON.parse(flags.worker) as { url: string; key: string; clients: number });
else await main();
