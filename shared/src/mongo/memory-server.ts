import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import type { StartedDatabase } from './database-chain.js';

// mongodb-memory-server downloads mongod on first use. Offline that takes ~6 s
// to fail; remembering the failure for a day keeps every later start (and every
// test file) from paying it again. `MONGO_ENGINE=memory-server` ignores the note.
const unavailableNote = () => join(homedir(), '.cache', 'inventory-command-center', 'memory-server-unavailable.json');
const NOTE_TTL_MS = 24 * 60 * 60 * 1000;

/** Why memory-server was found unusable recently, or null if it is worth trying. */
export function recentMemoryServerFailure(now = Date.now()): string | null {
  const path = unavailableNote();
  if (!existsSync(path)) return null;
  try {
    const note = JSON.parse(readFileSync(path, 'utf8')) as { at: number; reason: string };
    return now - note.at < NOTE_TTL_MS ? note.reason : null;
  } catch {
    return null;
  }
}

export function noteMemoryServerFailure(reason: string): void {
  const path = unavailableNote();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify({ at: Date.now(), reason }));
}

/** A `mongod` on PATH, which memory-server can run instead of downloading one. */
function systemMongod(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'mongod');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * A single-node replica set (transactions and change streams need one) on a
 * real mongod, or a rejection within `timeoutMs`; its data in `dbPath` when given.
 */
export async function startMemoryServer(timeoutMs: number, dbPath?: string): Promise<StartedDatabase> {
  const { MongoMemoryReplSet } = await import('mongodb-memory-server-core');
  const systemBinary = systemMongod();
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  const starting = MongoMemoryReplSet.create({
    replSet: { count: 1, storageEngine: 'wiredTiger' },
    // A given directory is kept (memory-server removes only the temporary ones it made).
    ...(dbPath ? { instanceOpts: [{ dbPath, storageEngine: 'wiredTiger' as const }] } : {}),
    ...(systemBinary ? { binary: { systemBinary } } : {}),
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`mongodb-memory-server did not start within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const replSet = await Promise.race([starting, timeout]);
    return { uri: replSet.getUri(), engine: 'memory-server', stop: async () => void (await replSet.stop()) };
  } catch (error) {
    // A start that finishes after we gave up must not leave a mongod running.
    starting.then((late) => late.stop()).catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
