import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../../embedded-mongo/bin/embedded-mongo.js', import.meta.url));

/**
 * embedded-mongo in its own process through its CLI, as a person would run it:
 * the engine and the benchmark client then each get a core, and the client's
 * work never steals the engine's event loop.
 */
export async function startEngineProcess(args: string[] = []): Promise<{ uri: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [CLI, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const uri = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`embedded-mongo exited with ${code} before it was ready`)));
    lines.on('line', (line) => {
      if (line.startsWith('ready ')) resolve(line.slice('ready '.length).trim());
    });
  });
  return {
    uri,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
