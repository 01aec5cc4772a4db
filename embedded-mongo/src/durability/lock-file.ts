import { closeSync, openSync, readFileSync, unlinkSync, writeSync, fsyncSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'embedded-mongo.lock';

/**
 * One engine per data directory: `embedded-mongo.lock` holds the owner's pid,
 * created exclusively. A lock whose pid no longer runs (the owner was killed)
 * is taken over; a live owner — another process, or another engine in this
 * one — is an error naming its pid. Returns the release function.
 */
export function acquireLock(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(path);
      if (owner !== null && isRunning(owner)) {
        throw new Error(
          `data directory ${dir} is in use by another embedded-mongo (pid ${owner}${owner === process.pid ? ', this process' : ''}); stop it or use another --dbpath (lock file ${path})`,
          { cause: error },
        );
      }
      removeIfOwner(path, owner);
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return () => removeIfOwner(path, process.pid);
  }
  throw new Error(`could not take the lock file ${path}: it keeps being recreated by another process`);
}

function readOwner(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Remove the lock file if it still names `owner` (null: an unreadable or empty one, left by a crash mid-write). */
function removeIfOwner(path: string, owner: number | null): void {
  if (readOwner(path) !== owner) return;
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
