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

/**
 * Open server cursors by id. Ids are random positive int64s (as bson Long)
 * that stay within 2^53 so drivers promoting Longs to numbers round-trip them.
 */
export class CursorRegistry {
  private readonly cursors = new Map<string, ServerCursor>();

  get size(): number {
    return this.cursors.size;
  }

  /** Fetch the first batch and register the cursor if more may come. */
  async open(cursor: ServerCursor, batchSize: number | undefined, maxTimeMS: number | undefined): Promise<CursorReply> {
    const batch = await cursor.nextBatch(batchSize, maxTimeMS);
    const id = cursor.exhausted ? Long.ZERO : this.register(cursor);
    if (cursor.exhausted) cursor.close();
    return { ...(cursor.replyFields?.() ?? {}), id, ns: cursor.ns, firstBatch: batch };
  }

  async getMore(idValue: unknown, batchSize: number | undefined, maxTimeMS: number | undefined): Promise<CursorReply> {
    const key = String(idValue);
    const cursor = this.cursors.get(key);
    if (!cursor) throw new CommandError(ErrorCode.CursorNotFound, `cursor id ${key} not found`);
    const batch = await cursor.nextBatch(batchSize, maxTimeMS);
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
  }

  private kill(key: string): boolean {
    const cursor = this.cursors.get(key);
    if (!cursor) return false;
    this.cursors.delete(key);
    cursor.close();
    return true;
  }

  private register(cursor: ServerCursor): Long {
    let key: string;
    do key = String(Math.floor(Math.random() * (Number.MAX_SAFE_INTEGER - 1)) + 1);
    while (this.cursors.has(key));
    this.cursors.set(key, cursor);
    return Long.fromString(key);
  }
}
