/**
 * Crash tests run the engine and the operational service as child processes
 * and SIGKILL them: starting them, knowing when they are ready, and ending
 * whatever is left when a test is torn down (even one that timed out midway).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface Child {
  process: ChildProcess;
  /** The stdout line that said it was ready. */
  line: string;
  exited: Promise<void>;
}

/** The children of one test file; `tearDown()` in its afterAll. */
export interface ChildProcesses {
  /** Run `node <args>` from the repo root and wait for a stdout line starting with `ready`. */
  start(args: string[], ready: string, env?: NodeJS.ProcessEnv): Promise<Child>;
  /** An embedded-mongo engine on a free port; its URI is `uriOf(child)`. */
  startEngine(): Promise<Child>;
  /** The operational service (src/main.ts, its followers polling every 200 ms) on a free port. */
  startOperational(uri: string, databases: { operational: string; analytics: string }): Promise<Child>;
  /** SIGKILL every child but `keep`, then stop `keep` with SIGTERM and wait for it; no start succeeds afterwards. */
  tearDown(keep?: Child): Promise<void>;
}

/** The connection string an engine child printed in its ready line. */
export const uriOf = (engine: Child): string => engine.line.slice('ready '.length).trim();

export function childProcesses(): ChildProcesses {
  const children = new Set<ChildProcess>();
  let tornDown = false;

  async function start(args: string[], ready: string, env: NodeJS.ProcessEnv = {}): Promise<Child> {
    if (tornDown) throw new Error('test torn down');
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    children.add(child);
    child.once('exit', () => children.delete(child));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const line = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code, signal) => reject(new Error(`${args.join(' ')} exited (${code ?? signal}) before "${ready}"`)));
      createInterface({ input: child.stdout }).on('line', (text) => {
        if (text.startsWith(ready)) resolve(text);
      });
    });
    return { process: child, line, exited };
  }

  return {
    start,
    startEngine: () => start(['--import', 'tsx', '--conditions=source', 'embedded-mongo/src/cli.ts', '--port', '0'], 'ready '),
    startOperational: (uri, databases) =>
      start(['--import', 'tsx', '--conditions=source', 'service-operational/src/main.ts'], 'operational ', {
        MONGODB_URI: uri,
        OPERATIONAL_DB: databases.operational,
        ANALYTICS_DB: databases.analytics,
        OPERATIONAL_PORT: '0',
        PO_REQUEST_POLL_MS: '200',
        LOG_LEVEL: 'error',
      }),
    async tearDown(keep) {
      tornDown = true;
      for (const child of children) if (child !== keep?.process) child.kill('SIGKILL');
      keep?.process.kill('SIGTERM');
      await keep?.exited;
    },
  };
}
