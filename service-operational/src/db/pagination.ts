import { AppError, type Page } from '@icc/shared';
import mongoose, { type Model } from 'mongoose';

/**
 * Keyset ("cursor") pagination: the next page starts strictly after the last
 * row's (sort value, _id), so pages stay stable while rows are inserted and
 * every page costs the same however deep it is. The cursor is opaque to
 * clients: base64url of `[sortValue, id]`.
 */
export interface PageRequest {
  sort: string;
  order: 'asc' | 'desc';
  limit: number;
  cursor?: string | undefined;
}

type CursorValue = string | number | boolean | null | { $date: string };

function encodeCursor(value: unknown, id: unknown): string {
  const encoded: CursorValue = value instanceof Date ? { $date: value.toISOString() } : (value as CursorValue);
  return Buffer.from(JSON.stringify([encoded, String(id)])).toString('base64url');
}

function invalidCursor(): AppError {
  return new AppError('INVALID_INPUT', 'cursor: not a cursor from this list; use nextCursor from the previous page', [
    { path: 'cursor', message: 'invalid cursor' },
  ]);
}

function decodeCursor(cursor: string): [unknown, string] {
  try {
    const [value, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [CursorValue, string];
    if (typeof id !== 'string') throw new Error('bad id');
    const decoded = value !== null && typeof value === 'object' && '$date' in value ? new Date(value.$date) : value;
    return [decoded, id];
  } catch {
    throw invalidCursor();
  }
}

/**
 * One page of `model` matching `filter`, sorted by `request.sort` then `_id`.
 * When the sort field is unique per tenant (`uniqueSort`), the keyset condition
 * is a single range on that field, which an index answers directly.
 */
export async function findPage<TRaw, TRecord, TOut>(
  model: Model<TRaw>,
  filter: Record<string, unknown>,
  request: PageRequest,
  toOutput: (doc: TRecord) => TOut,
  options: { uniqueSort?: boolean } = {},
): Promise<Page<TOut>> {
  const direction = request.order === 'asc' ? 1 : -1;
  const after = request.order === 'asc' ? '$gt' : '$lt';
  const conditions: Record<string, unknown>[] = [filter];
  if (request.cursor) {
    const [value, id] = decodeCursor(request.cursor);
    conditions.push(
      options.uniqueSort
        ? { [request.sort]: { [after]: value } }
        : { $or: [{ [request.sort]: { [after]: value } }, { [request.sort]: value, _id: { [after]: id } }] },
    );
  }
  const sort: Record<string, 1 | -1> = options.uniqueSort ? { [request.sort]: direction } : { [request.sort]: direction, _id: direction };
  const rows = (await model
    .find(conditions.length === 1 ? filter : { $and: conditions })
    .sort(sort)
    .limit(request.limit + 1)
    .lean()
    .catch((error: unknown) => {
      // A well-formed but forged cursor (an id that is no ObjectId, a value of the
      // wrong type for the sort field) fails to cast: the client's mistake, not ours.
      if (request.cursor && error instanceof mongoose.Error.CastError) throw invalidCursor();
      throw error;
    })) as unknown as Array<TRecord & { _id: unknown }>;
  const hasMore = rows.length > request.limit;
  const items = hasMore ? rows.slice(0, request.limit) : rows;
  const last = items.at(-1) as (Record<string, unknown> & { _id: unknown }) | undefined;
  return {
    items: items.map(toOutput),
    nextCursor: hasMore && last ? encodeCursor(last[request.sort], last._id) : null,
  };
}

/** Escape user text for use inside a case-insensitive regex filter. */
export function containsText(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
}
