import { readFileSync } from 'node:fs';
import { Long, type Document } from 'bson';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE_BYTES, MAX_WRITE_BATCH_SIZE } from '../wire/protocol.js';
import type { CommandContext, CommandTable } from './context.js';

export const SERVER_VERSION = '7.0.0';

/**
 * The primary of a one-member replica set. No `topologyVersion`, so drivers
 * poll `hello` instead of streaming it (awaitable hello is not implemented).
 * No `compression`: replies are never compressed.
 */
function hello(ctx: CommandContext, legacy: boolean): Document {
  const { server } = ctx;
  return {
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    ...(ctx.body.helloOk === true ? { helloOk: true } : {}),
    secondary: false,
    setName: server.replSetName,
    setVersion: 1,
    hosts: [server.hostPort],
    primary: server.hostPort,
    me: server.hostPort,
    electionId: server.electionId,
    lastWrite: { opTime: { ts: server.clock.current(), t: Long.fromNumber(1) } },
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
  };
}

function buildInfo(): Document {
  return {
    version: SERVER_VERSION,
    gitVersion: 'embedded-mongo',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['embedded'],
    javascriptEngine: 'none',
    modules: [],
    openssl: { running: 'disabled' },
  };
}

function serverStatus(ctx: CommandContext): Document {
  const { server } = ctx;
  return {
    host: server.hostPort,
    version: SERVER_VERSION,
    process: 'embedded-mongo',
    pid: Long.fromNumber(process.pid),
    uptime: Math.floor((Date.now() - server.startedAt.getTime()) / 1000),
    localTime: new Date(),
    connections: { current: server.connections, available: 100_000 },
    metrics: {
      cursor: { open: { total: Long.fromNumber(server.cursors.size) } },
      // As mongod: index keys and documents examined by queries since start.
      queryExecutor: {
        scanned: Long.fromNumber(server.engine.metrics.keysExamined),
        scannedObjects: Long.fromNumber(server.engine.metrics.docsExamined),
      },
    },
    mem: memoryStatus(),
    storageEngine: { name: 'embedded', supportsCommittedReads: true, persistent: server.durable !== null },
    repl: { setName: server.replSetName, isWritablePrimary: true, primary: server.hostPort, me: server.hostPort },
  };
}

/**
 * mongod's `mem` section (resident and virtual size in MiB), plus the V8
 * heap in bytes under `heap` (the engine's documents, indexes and change
 * history live there).
 */
function memoryStatus(): Document {
  const usage = process.memoryUsage();
  const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
  return {
    bits: 64,
    resident: mib(usage.rss),
    virtual: mib(virtualBytes() ?? usage.rss),
    supported: true,
    heap: {
      used: Long.fromNumber(usage.heapUsed),
      total: Long.fromNumber(usage.heapTotal),
      external: Long.fromNumber(usage.external),
      arrayBuffers: Long.fromNumber(usage.arrayBuffers),
    },
  };
}

/** VmSize from /proc (Linux); undefined elsewhere. */
function virtualBytes(): number | undefined {
  try {
    const match = /^VmSize:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const helloCommands: CommandTable = {
  hello: (ctx) => hello(ctx, false),
  isMaster: (ctx) => hello(ctx, true),
  ismaster: (ctx) => hello(ctx, true),
  ping: () => ({}),
  buildInfo,
  buildinfo: buildInfo,
  serverStatus,
  hostInfo: () => ({ system: { hostname: 'embedded-mongo', numCores: 2 }, os: { type: process.platform } }),
  whatsmyuri: () => ({ you: '127.0.0.1:0' }),
  getCmdLineOpts: (ctx) => ({ argv: ['embedded-mongo'], parsed: { replication: { replSetName: ctx.server.replSetName } } }),
  getParameter: (ctx) => getParameter(ctx.body),
  getLog: () => ({ totalLinesWritten: 0, log: [] }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] } }),
  replSetGetStatus: (ctx) => ({
    set: ctx.server.replSetName,
    myState: 1,
    members: [{ _id: 0, name: ctx.server.hostPort, health: 1, state: 1, stateStr: 'PRIMARY', self: true }],
  }),
};

/** The parameters tools ask for; anything else is reported absent like an unknown parameter. */
function getParameter(body: Document): Document {
  const known: Record<string, unknown> = { featureCompatibilityVersion: { version: '7.0' }, transactionLifetimeLimitSeconds: 60 };
  if (body.getParameter === '*') return known;
  const out: Document = {};
  for (const name of Object.keys(body)) if (name in known) out[name] = known[name];
  return out;
}
