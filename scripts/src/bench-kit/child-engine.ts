import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DEFAULT_RESERVED_HEAP_MB } from '@icc/embedded-mongo';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const ENGINE_CLI = `${repoRoot}embedded-mongo/bin/embedded-mongo.js`;

export interface ChildService {
  /** The value printed after the ready prefix, e.g. a URI or URL. */
  address: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Node flags from an environment variable, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof". */
function nodeArgsFrom(variable: string): string[] {
  return process.env[variable]?.split(' ').filter(Boolean) ?? [];
}

/**
 * Run a program in its own process and wait for the line `<prefix> <address>`
 * on its stdout. Benchmarks run servers this way so the load generator never
 * shares an event loop (or a core) with the server it measures.
 * `BENCH_CHILD_NODE_ARGS` adds Node flags to every child (e.g. to profile all
 * servers under load); `nodeArgs` adds flags to this one.
 */
export async function startChild(args: string[], readyPrefix: string, env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): Promise<ChildService> {
  const flags = [...nodeArgsFrom('BENCH_CHILD_NODE_ARGS'), ...nodeArgs];
  const child = spawn(process.execPath, [...flags, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const lines = createInterface({ input: child.stdout });
  const address = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before it was ready`)));
    lines.on('line', (line) => {
      if (line.startsWith(`${readyPrefix} `)) resolve(line.slice(readyPrefix.length + 1).trim());
    });
  });
  return {
    address,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * embedded-mongo through its CLI, as a person would run it, with the heap
 * reservation `pnpm start` gives it (DEFAULT_RESERVED_HEAP_MB: see
 * startEmbeddedMongoProcess). `BENCH_ENGINE_NODE_ARGS` adds Node flags to the
 * engine alone (a later `--initial-old-space-size=…` there wins, e.g. to
 * measure with Node's default sizing).
 */
export async function startEngineProcess(args: string[] = []): Promise<ChildService & { uri: string }> {
  const nodeArgs = [`--initial-old-space-size=${DEFAULT_RESERVED_HEAP_MB}`, ...nodeArgsFrom('BENCH_ENGINE_NODE_ARGS')];
  const engine = await startChild([ENGINE_CLI, '--port', '0', ...args], 'ready', {}, nodeArgs);
  return { ...engine, uri: engine.address };
}

/**
 * The operational service (src/main.ts through tsx) on a free port, against `mongoUri`.
 * `BENCH_SERVICE_NODE_ARGS` adds Node flags to the service alone, e.g.
 * "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it without slowing the engine.
 */
export async function startOperationalProcess(mongoUri: string, env: NodeJS.ProcessEnv = {}): Promise<ChildService & { url: string }> {
  const service = await startChild(
    ['--import', 'tsx', '--conditions=source', 'service-operational/src/main.ts'],
    'operational',
    { MONGODB_URI: mongoUri, OPERATIONAL_PORT: '0', LOG_LEVEL: 'warn', ...env },
    nodeArgsFrom('BENCH_SERVICE_NODE_ARGS'),
  );
  return { ...service, url: service.address };
}
