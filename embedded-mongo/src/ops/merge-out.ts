import type { Document } from 'bson';
import type { CommandContext } from '../commands/context.js';
import { CommandError, ErrorCode } from '../errors.js';
import { withIdFirst } from '../storage/documents.js';
import { encodeKey } from '../storage/key-encoding.js';
import { matchForWrite } from './read.js';
import { applyUpdate } from './update-apply.js';

interface Target {
  db: string;
  coll: string;
}

function targetOf(ctx: CommandContext, spec: unknown): Target {
  if (typeof spec === 'string') return { db: ctx.db, coll: spec };
  const s = spec as Document;
  if (typeof s.coll === 'string') return { db: typeof s.db === 'string' ? s.db : ctx.db, coll: s.coll };
  throw new CommandError(ErrorCode.FailedToParse, 'invalid $out/$merge target');
}

/**
 * `$out` and `$merge` write their results through the normal write path, so
 * unique indexes hold and change events are emitted.
 */
export function writeStageOutput(ctx: CommandContext, stage: Document, results: Document[]): void {
  if ('$out' in stage) return out(ctx, targetOf(ctx, stage.$out), results);
  const spec = typeof stage.$merge === 'string' ? { into: stage.$merge } : (stage.$merge as Document);
  merge(ctx, spec, results);
}

/** `$out` replaces the target's contents with the results. */
function out(ctx: CommandContext, target: Target, results: Document[]): void {
  for (const doc of matchForWrite(ctx.view, target.db, target.coll, {}, true)) ctx.view.remove(target.db, target.coll, doc);
  for (const doc of results) ctx.view.insert(target.db, target.coll, withIdFirst(doc));
}

function merge(ctx: CommandContext, spec: Document, results: Document[]): void {
  const target = targetOf(ctx, spec.into);
  const on = spec.on === undefined ? ['_id'] : Array.isArray(spec.on) ? (spec.on as string[]) : [spec.on as string];
  const whenMatched: unknown = spec.whenMatched ?? 'merge';
  const whenNotMatched: unknown = spec.whenNotMatched ?? 'insert';
  for (const result of results) {
    const filter: Document = {};
    for (const field of on) filter[field] = (result[field] as unknown) ?? null;
    const [existing] = matchForWrite(ctx.view, target.db, target.coll, filter, false);
    if (!existing) {
      if (whenNotMatched === 'fail')
        throw new CommandError(
          ErrorCode.MergeStageNoMatchingDocument,
          `$merge could not find a matching document in the target collection for ${encodeKey(filter)}`,
        );
      if (whenNotMatched === 'insert') ctx.view.insert(target.db, target.coll, withIdFirst(result));
      continue;
    }
    if (whenMatched === 'keepExisting') continue;
    if (whenMatched === 'fail') throw new CommandError(ErrorCode.DuplicateKey, `$merge found a matching document for ${encodeKey(filter)}`);
    const { _id: _ignored, ...fields } = result;
    const update: Document | Document[] = Array.isArray(whenMatched) ? (whenMatched as Document[]) : whenMatched === 'replace' ? fields : { $set: fields };
    const after = applyUpdate(existing, update);
    if (after !== existing) ctx.view.update(target.db, target.coll, existing, after, whenMatched === 'replace' ? 'replace' : 'update');
  }
}
