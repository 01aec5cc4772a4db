import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { EmbeddedMongo } from './index.js';

export interface EmbeddedMongoProcessOptions {
  /** Change events kept for resuming change streams (the CLI's `--history`). */
  historyLimit?: number;
  /** The child's V8 heap limit (`--max-old-space-size`), in MB; Node's default when omitted. */
  maxHeapMb?: number;
  /**
   * Old-generation heap the child may fill before its first full garbage
   * collection (`--initial-old-space-size`), in MB. The engine's data is
   * long-lived, so every full collection marks all of it: with Node's
   * default sizing, a heap of ~100 MB was collected every 2–5 s, each time
   * slowing the engine for 70–110 ms (seen as latency spikes in
   * `pnpm bench:analytics`). Reserving room makes them rare; memory is only
   * taken as it is used. Default 1 024.
   */
  reservedHeapMb?: number;
  /** Data directory (the CLI's `--dbpath`): durable, recovered on the next start; in memory when omitted. */
  dbpath?: string;
  /** With `dbpath`: journal size that triggers a checkpoint (the CLI's `--checkpoint-bytes`); default 64 MiB. */
  checkpointBytes?: number;
  /** Receives the child's log lines (its stderr); default writes them to this process's stderr. */
  log?: (line: string) => void;
}

/** See EmbeddedMongoProcessOptions.reservedHeapMb. */
export const DEFAULT_RESERVED_HEAP_MB = 1_024;

/**
 * embedded-mongo in a process of its own (its CLI), on a free port: a heap
 * and a core of its own, so a large data set neither competes with the
 * caller's garbage collection nor shares its heap limit. The child is in a
 * process group of its own, so a Ctrl-C in the terminal reaches only the
 * caller, which stops its clients before `stop()`; it exits by itself when
 * the caller's process ends (its stdin closes), however that ends.
 *
 * @example
 *   const server = await startEmbeddedMongoProcess({ historyLimit: 1_000_000, maxHeapMb: 8192 });
 *   const client = await new MongoClient(server.uri).connect();
 *   await client.close();
 *   await server.stop();
 */
export async function startEmbeddedMongoProcess(options: EmbeddedMongoProcessOptions = {}): Promise<EmbeddedMongo & { pid: number }> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // From source (tsx, as in development and tests) or from the build, whichever this module is.
  const fromSource = import.meta.url.endsWith('.ts');
  const cli = fileURLToPath(new URL(fromSource ? './cli.ts' : './cli.js', import.meta.url));
  const nodeArgs = [
    ...(options.maxHeapMb ? [`--max-old-space-size=${options.maxHeapMb}`] : []),
    `--initial-old-space-size=${Math.min(options.reservedHeapMb ?? DEFAULT_RESERVED_HEAP_MB, options.maxHeapMb ?? Number.POSITIVE_INFINITY)}`,
    ...(fromSource ? ['--import', import.meta.resolve('tsx')] : []),
  ];
  const cliArgs = [
    '--port',
    '0',
    '--exit-on-stdin-close',
    ...(options.historyLimit ? ['--history', String(options.historyLimit)] : []),
    ...(options.dbpath ? ['--dbpath', options.dbpath] : []),
    ...(options.checkpointBytes ? ['--checkpoint-bytes', String(options.checkpointBytes)] : []),
  ];
  const child = spawn(process.execPath, [...nodeArgs, cli, ...cliArgs], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let lastLine = '';
  createInterface({ input: child.stderr }).on('line', (line) => {
    lastLine = line;
    log(line);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const uri = await new Promise<string>((resolve, reject) => {
    void exited.then(() => reject(new Error(`embedded-mongo exited (code ${child.exitCode}) before it was ready${lastLine ? `: ${lastLine}` : ''}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('ready ')) resolve(line.slice('ready '.length).trim());
    });
  });
  return {
    uri,
    port: Number(new URL(uri).port),
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
