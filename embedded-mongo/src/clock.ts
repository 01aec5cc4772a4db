import { Timestamp } from 'bson';

/**
 * The server's logical clock: every committed write (one operation, or one whole
 * transaction) gets the next `clusterTime`, a BSON Timestamp of
 * (seconds since epoch, increment within that second) as mongod's oplog uses.
 * Change events, `operationTime` and `$clusterTime` in replies all read from it.
 *
 * @example
 *   const clock = new LogicalClock();
 *   const t1 = clock.tick();
 *   const t2 = clock.tick(); // t2 > t1, always
 */
export class LogicalClock {
  private seconds = 0;
  private increment = 0;

  /** Advance and return the new cluster time. Strictly increasing. */
  tick(): Timestamp {
    const now = Math.floor(Date.now() / 1000);
    if (now > this.seconds) {
      this.seconds = now;
      this.increment = 1;
    } else {
      this.increment += 1;
    }
    return this.current();
  }

  /**
   * After recovery: continue a second past both `last` (the newest recovered
   * time) and the wall clock, so no later time can equal one handed out before
   * a crash but never made durable (a change stream may hold such a time as
   * its high-water mark).
   */
  restore(last: Timestamp): void {
    this.seconds = Math.max(last.high, Math.floor(Date.now() / 1000)) + 1;
    this.increment = 0;
  }

  /** The last cluster time handed out (0,0 before the first write). */
  current(): Timestamp {
    return new Timestamp({ t: this.seconds, i: this.increment });
  }
}

/** Compare two BSON timestamps: negative, zero or positive. */
export function compareTimestamps(a: Timestamp, b: Timestamp): number {
  if (a.high !== b.high) return a.high - b.high;
  return a.low - b.low;
}
