import { Long, type Document } from 'bson';
import { CommandError, ErrorCode } from '../errors.js';
import type { ServerCursor } from './cursor-types.js';

/** The `cursor` sub-document of a find/aggregate/getMore reply. */
export interface CursorReply {
  id: Long;
  ns: string;
  firstBatch?: Document[];
  nextBatch?: Document[];
  [field: string]: unknown;
}

/** mongod's default `cursorTimeoutMillis`: 10 minutes. */
export const DEFAULT_CURSOR_TIMEOUT_MS = 10 * 60 * 1000;

interface OpenCursor {
  readonly cursor: ServerCursor;
  /** When the last command on it ended (ms since epoch). */
  lastUsed: number;
  /** A getMore is running (a change stream may await for seconds): never idle meanwhile. */
  busy: boolean;
  /** `noCursorTimeout: true`: lives until exhausted or killed. */
  readonly noTimeout: boolean;
}

/**
 * Open server cursors by id. Ids are random positive int64s (as bson Long)
 * that stay within 2^53 so drivers promoting Longs to numbers round-trip them.
 *
 * Like mongod, a cursor idle for `timeoutMs` (default 10 minutes) is killed,
 * so clients that vanish without `killCursors` do not leak them; cursors are
 * not tied to connections. A later getMore gets CursorNotFound (43).
 */
export class CursorRegistry {
  private readonly cursors = new Map<string, OpenCursor>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number = DEFAULT_CURSOR_TIMEOUT_MS) {}

  get size(): number {
    return this.cursors.size;
  }

  /** Fetch the first batch and register the cursor if more may come. */
  async open(
    cursor: ServerCursor,
    batchSize: number | undefined,
    maxTimeMS: number | undefined,
    options: { noCursorTimeout?: boolean } = {},
  ): Promise<CursorReply> {
    const batch = await cursor.nextBatch(batchSize, maxTimeMS);
    const id = cursor.exhausted ? Long.ZERO : this.register(cursor, options.noCursorTimeout === true);
    if (cursor.exhausted) cursor.close();
    return { ...(cursor.replyFields?.() ?? {}), id, ns: cursor.ns, firstBatch: batch };
  }

  async getMore(idValue: unknown, batchSize: number | undefined, maxTimeMS: number | undefined): Promise<CursorReply> {
    const key = String(idValue);
    this.killIdle(Date.now());
    const open = this.cursors.get(key);
    if (!open) throw new CommandError(ErrorCode.CursorNotFound, `cursor id ${key} not found`);
    const { cursor } = open;
    open.busy = true;
    let batch: Document[];
    try {
      batch = await cursor.nextBatch(batchSize, maxTimeMS);
    } finally {
      open.busy = false;
      open.lastUsed = Date.now();
    }
    const exhausted = cursor.exhausted;
    if (exhausted) this.kill(key);
    return { ...(cursor.replyFields?.() ?? {}), id: exhausted ? Long.ZERO : Long.fromString(key), ns: cursor.ns, nextBatch: batch };
  }

  /** Close cursors by id; answers which existed. */
  killMany(ids: unknown[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const idValue of ids) {
      const key = String(idValue);
      (this.kill(key) ? killed : notFound).push(Long.fromString(key));
    }
    return { killed, notFound };
  }

  closeAll(): void {
    for (const key of [...this.cursors.keys()]) this.kill(key);
    this.stopSweeping();
  }

  /** Kill cursors idle for longer than the timeout (also run by a timer while any cursor is open). */
  killIdle(now: number): void {
    for (const [key, open] of this.cursors) {
      if (!open.noTimeout && !open.busy && now - open.lastUsed > this.timeoutMs) this.kill(key);
    }
  }

  private kill(key: string): boolean {
    const open = this.cursors.get(key);
    if (!open) return false;
    this.cursors.delete(key);
    open.cursor.close();
    if (this.cursors.size === 0) this.stopSweeping();
    return true;
  }

  private register(cursor: ServerCursor, noTimeout: boolean): Long {
    let key: string;
    do key = String(Math.floor(Math.random() * (Number.MAX_SAFE_INTEGER - 1)) + 1);
    while (this.cursors.has(key));
    this.cursors.set(key, { cursor, lastUsed: Date.now(), busy: false, noTimeout });
    this.startSweeping();
    return Long.fromString(key);
  }

  /**
   * A sweep about every timeout/2 (at most once a minute, as mongod's
   * ClientCursorMonitor), only while cursors are open; unref'd so an idle
   * registry never keeps the process alive.
   */
  private startSweeping(): void {
    if (this.sweeper) return;
    const every = Math.max(10, Math.min(60_000, Math.floor(this.timeoutMs / 2)));
    this.sweeper = setInterval(() => this.killIdle(Date.now()), every);
    this.sweeper.unref();
  }

  private stopSweeping(): void {
    if (!this.sweeper) return;
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}
