import type { Document } from 'bson';
import { DEFAULT_FIRST_BATCH, IteratorCursor } from '../cursors/iterator-cursor.js';
import { CommandError, ErrorCode } from '../errors.js';
import { findDocs } from '../ops/read.js';
import { compileFilter } from '../query/mingo.js';
import { valuesAtPath } from '../storage/documents.js';
import { encodeKey } from '../storage/key-encoding.js';
import { collectionName, intOption, type CommandContext, type CommandTable } from './context.js';

/**
 * `find`: a negative limit or `singleBatch` means one batch and no cursor;
 * inside a transaction results are materialized, since the overlay they are
 * read from keeps changing with the transaction's own writes.
 */
async function find(ctx: CommandContext): Promise<Document> {
  const coll = collectionName(ctx, 'find');
  const { body } = ctx;
  const rawLimit = intOption(body, 'limit') ?? 0;
  const batchSize = intOption(body, 'batchSize');
  const singleBatch = body.singleBatch === true || rawLimit < 0;
  const limit = Math.abs(rawLimit);
  const docs = findDocs(ctx.view, ctx.db, coll, {
    filter: body.filter as Document | undefined,
    sort: body.sort as Document | undefined,
    skip: intOption(body, 'skip') ?? 0,
    limit,
    projection: body.projection as Document | undefined,
  });
  const source = ctx.view.inTransaction ? [...docs] : docs;
  const cursor = new IteratorCursor(`${ctx.db}.${coll}`, source, singleBatch);
  const firstBatch = singleBatch && rawLimit < 0 ? limit : (batchSize ?? DEFAULT_FIRST_BATCH);
  return { cursor: await ctx.server.cursors.open(cursor, firstBatch, undefined, { noCursorTimeout: body.noCursorTimeout === true }) };
}

async function getMore(ctx: CommandContext): Promise<Document> {
  const maxTimeMS = intOption(ctx.body, 'maxTimeMS');
  // getMore's batchSize 0 means "no limit", unlike find's.
  const batchSize = intOption(ctx.body, 'batchSize') || undefined;
  const cursor = await ctx.server.cursors.getMore(ctx.body.getMore, batchSize, maxTimeMS);
  return { cursor };
}

function killCursors(ctx: CommandContext): Document {
  const ids: unknown = ctx.body.cursors;
  if (!Array.isArray(ids)) throw new CommandError(ErrorCode.FailedToParse, "BSON field 'killCursors.cursors' is missing but a required field");
  const { killed, notFound } = ctx.server.cursors.killMany(ids);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [] };
}

function count(ctx: CommandContext): Document {
  const coll = collectionName(ctx, 'count');
  const query = (ctx.body.query as Document | undefined) ?? {};
  const skip = intOption(ctx.body, 'skip') ?? 0;
  const limit = Math.abs(intOption(ctx.body, 'limit') ?? 0);
  const committed = ctx.server.engine.collection(ctx.db, coll);
  let n: number;
  if (Object.keys(query).length === 0 && !ctx.view.inTransaction) n = committed?.docs.size ?? 0;
  else {
    const matches = compileFilter(query);
    n = 0;
    for (const doc of ctx.view.candidates(ctx.db, coll, query)) if (matches(doc)) n++;
  }
  n = Math.max(0, n - skip);
  return { n: limit > 0 ? Math.min(n, limit) : n };
}

/** Distinct values; array fields contribute their elements, as on mongod. */
function distinct(ctx: CommandContext): Document {
  const coll = collectionName(ctx, 'distinct');
  const key: unknown = ctx.body.key;
  if (typeof key !== 'string') throw new CommandError(ErrorCode.TypeMismatch, "BSON field 'distinct.key' is the wrong type, expected type 'string'");
  const query = (ctx.body.query as Document | undefined) ?? {};
  const matches = compileFilter(query);
  const values = new Map<string, unknown>();
  for (const doc of ctx.view.candidates(ctx.db, coll, query)) {
    if (!matches(doc)) continue;
    for (const value of valuesAtPath(doc, key)) {
      if (value === undefined || typeof value === 'symbol') continue;
      const encoded = encodeKey(value);
      if (!values.has(encoded)) values.set(encoded, value);
    }
  }
  return { values: [...values.values()] };
}

export const findCommands: CommandTable = { find, getMore, killCursors, count, distinct };
