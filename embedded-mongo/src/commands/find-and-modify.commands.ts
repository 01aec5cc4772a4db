import type { Document } from 'bson';
import { CommandError, ErrorCode } from '../errors.js';
import { matchForWrite, project } from '../ops/read.js';
import { applyUpdate, buildUpsertDocument, isReplacement } from '../ops/update-apply.js';
import { collectionName, type CommandContext, type CommandTable } from './context.js';

/**
 * `findAndModify`: update, replace or remove the first match in `sort` order
 * and answer the document before (or, with `new`, after) the write, plus
 * `lastErrorObject { n, updatedExisting, upserted }`.
 */
function findAndModify(ctx: CommandContext, command: string): Document {
  const coll = collectionName(ctx, command);
  const { body } = ctx;
  const filter = (body.query as Document | undefined) ?? {};
  const fields = body.fields as Document | undefined;
  const spec = body.update as Document | Document[] | undefined;
  if (body.remove === true && spec !== undefined) {
    throw new CommandError(ErrorCode.FailedToParse, 'Cannot specify both an update and remove=true');
  }
  if (body.remove !== true && spec === undefined) {
    throw new CommandError(ErrorCode.FailedToParse, 'Either an update or remove=true must be specified');
  }
  const [before] = matchForWrite(ctx.view, ctx.db, coll, filter, false, body.sort as Document | undefined);
  if (body.remove === true) {
    if (before) ctx.view.remove(ctx.db, coll, before);
    return { lastErrorObject: { n: before ? 1 : 0 }, value: project(before ?? null, fields) };
  }
  const update = spec as Document | Document[];
  const options = { filter, ...(body.arrayFilters ? { arrayFilters: body.arrayFilters as Document[] } : {}) };
  if (before) {
    const after = applyUpdate(before, update, options);
    if (after !== before) ctx.view.update(ctx.db, coll, before, after, isReplacement(update) ? 'replace' : 'update');
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: project(body.new === true ? after : before, fields) };
  }
  if (body.upsert !== true) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null };
  const doc = buildUpsertDocument(filter, update, options);
  ctx.view.insert(ctx.db, coll, doc);
  return {
    lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id as unknown },
    value: body.new === true ? project(doc, fields) : null,
  };
}

export const findAndModifyCommands: CommandTable = {
  findAndModify: (ctx) => findAndModify(ctx, 'findAndModify'),
  findandmodify: (ctx) => findAndModify(ctx, 'findandmodify'),
};
