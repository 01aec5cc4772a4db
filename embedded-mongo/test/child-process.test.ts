import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { startEmbeddedMongoProcess } from '../src/index.js';

describe('in a child process', () => {
  it('serves the driver from a process of its own, and stops', async () => {
    const server = await startEmbeddedMongoProcess({ historyLimit: 1_000, maxHeapMb: 512, log: () => {} });
    const childClient = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 });
    await childClient.db('child').collection('c').insertOne({ ok: true });
    const status = await childClient.db('admin').command({ serverStatus: 1 });
    expect(Number(status.pid)).toBe(server.pid);
    expect(Number(status.pid)).not.toBe(process.pid);
    await childClient.close();
    await server.stop();
    expect(isRunning(server.pid)).toBe(false);
  });

  it('exits by itself when the process that started it dies, even killed', async () => {
    // A parent that starts the engine, prints its pid and waits to be killed.
    const script = `const { startEmbeddedMongoProcess } = await import(${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)});
      const server = await startEmbeddedMongoProcess({ log: () => {} });
      process.stdout.write(server.pid + '\\n');
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    parent.stdout.setEncoding('utf8');
    const [line] = (await once(parent.stdout, 'data')) as [string];
    const enginePid = Number(line.trim());
    expect(isRunning(enginePid)).toBe(true);
    parent.kill('SIGKILL');
    await once(parent, 'exit');
    const deadline = Date.now() + 10_000;
    while (isRunning(enginePid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(isRunning(enginePid)).toBe(false);
  });
});

/** Whether a process exists (signal 0 checks without signalling). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
