/**
 * In-process queues per stock position. Transactions that touch the same
 * position would otherwise all run at once, all but one fail with a write
 * conflict, and the driver retries them with growing back-off: under a burst
 * on one hot SKU most of the time goes to sleeping. Queuing them here first
 * turns that into an orderly line. Correctness does not depend on it — the
 * database still detects conflicts between processes — it only removes
 * pointless collisions within one.
 *
 * Keys are taken in sorted order, so two transactions needing {A, B} and
 * {B, A} cannot deadlock.
 */
export class PositionLocks {
  private readonly tails = new Map<string, Promise<void>>();

  /** Run `work` while holding every key; keys are released when it settles. */
  async withLocks<T>(keys: Iterable<string>, work: () => Promise<T>): Promise<T> {
    const ordered = [...new Set(keys)].sort();
    const releases: Array<() => void> = [];
    try {
      for (const key of ordered) releases.push(await this.acquire(key));
      return await work();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  /** Number of positions with someone holding or waiting (for tests and metrics). */
  get busy(): number {
    return this.tails.size;
  }

  private async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => held);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      // Forget the key once nobody queued behind us, so the map does not grow forever.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}

/** The lock key of one position of one tenant. */
export function positionLockKey(tenantId: string, sku: string, locationCode: string): string {
  return `${tenantId}\u0000${sku}\u0000${locationCode}`;
}
