import type { Document } from 'bson';
import { CommandError, ErrorCode } from '../errors.js';
import { matchForWrite } from '../ops/read.js';
import { applyUpdate, buildUpsertDocument, checkSize } from '../ops/update-apply.js';
import { withIdFirst } from '../storage/documents.js';
import { collectionName, type CommandContext, type CommandTable } from './context.js';

/** A per-statement error, as mongod lists it in `writeErrors`. */
interface WriteError {
  index: number;
  code: number;
  errmsg: string;
  [extra: string]: unknown;
}

/**
 * Run each statement of a write batch. Ordered batches stop at the first
 * error, unordered ones go on; errors become `writeErrors` with the statement
 * index. Inside a transaction the first error fails the whole command (and
 * the transaction), keeping labels such as TransientTransactionError.
 */
function runBatch<T>(ctx: CommandContext, items: T[], run: (item: T, index: number) => void): WriteError[] {
  const ordered = ctx.body.ordered !== false;
  const errors: WriteError[] = [];
  for (let index = 0; index < items.length; index++) {
    try {
      run(items[index] as T, index);
    } catch (error) {
      if (!(error instanceof CommandError) || ctx.view.inTransaction) throw error;
      errors.push({ index, code: error.code, errmsg: error.message, ...error.extra });
      if (ordered) break;
    }
  }
  return errors;
}

function withErrors(reply: Document, errors: WriteError[]): Document {
  return errors.length > 0 ? { ...reply, writeErrors: errors } : reply;
}

function documentsOf(ctx: CommandContext, field: string): Document[] {
  const docs: unknown = ctx.body[field];
  if (!Array.isArray(docs)) throw new CommandError(ErrorCode.FailedToParse, `BSON field '${field}' is missing but a required field`);
  return docs as Document[];
}

function insert(ctx: CommandContext): Document {
  const coll = collectionName(ctx, 'insert');
  let n = 0;
  const errors = runBatch(ctx, documentsOf(ctx, 'documents'), (raw) => {
    const doc = withIdFirst(raw);
    checkSize(doc);
    ctx.view.insert(ctx.db, coll, doc);
    n++;
  });
  return withErrors({ n }, errors);
}

interface UpdateStatement {
  q: Document;
  u: Document | Document[];
  upsert?: boolean;
  multi?: boolean;
  arrayFilters?: Document[];
}

function update(ctx: CommandContext): Document {
  const coll = collectionName(ctx, 'update');
  let n = 0;
  let nModified = 0;
  const upserted: Array<{ index: number; _id: unknown }> = [];
  const statements = documentsOf(ctx, 'updates') as UpdateStatement[];
  const errors = runBatch(ctx, statements, (stmt, index) => {
    const filter = stmt.q ?? {};
    const options = { filter, ...(stmt.arrayFilters ? { arrayFilters: stmt.arrayFilters } : {}) };
    const matches = matchForWrite(ctx.view, ctx.db, coll, filter, stmt.multi === true);
    if (matches.length === 0 && stmt.upsert === true) {
      const doc = buildUpsertDocument(filter, stmt.u, options);
      ctx.view.insert(ctx.db, coll, doc);
      upserted.push({ index, _id: doc._id });
      n++;
      return;
    }
    const kind = Array.isArray(stmt.u) || Object.keys(stmt.u).some((k) => k.startsWith('$')) ? 'update' : 'replace';
    for (const before of matches) {
      const after = applyUpdate(before, stmt.u, options);
      n++;
      if (after === before) continue;
      ctx.view.update(ctx.db, coll, before, after, kind);
      nModified++;
    }
  });
  return withErrors({ n, nModified, ...(upserted.length > 0 ? { upserted } : {}) }, errors);
}

interface DeleteStatement {
  q: Document;
  limit: number;
}

function remove(ctx: CommandContext): Document {
  const coll = collectionName(ctx, 'delete');
  let n = 0;
  const errors = runBatch(ctx, documentsOf(ctx, 'deletes') as DeleteStatement[], (stmt) => {
    for (const doc of matchForWrite(ctx.view, ctx.db, coll, stmt.q ?? {}, Number(stmt.limit) !== 1)) {
      ctx.view.remove(ctx.db, coll, doc);
      n++;
    }
  });
  return withErrors({ n }, errors);
}

export const writeCommands: CommandTable = { insert, update, delete: remove };

/** Commands whose reply a retried retryable write gets again. */
export const RETRYABLE_WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify', 'findandmodify']);
