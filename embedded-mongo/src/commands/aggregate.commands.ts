import type { Document } from 'bson';
import { DEFAULT_FIRST_BATCH, IteratorCursor } from '../cursors/iterator-cursor.js';
import { CommandError, ErrorCode } from '../errors.js';
import { writeStageOutput } from '../ops/merge-out.js';
import { runPipeline } from '../query/mingo.js';
import { cloneDoc } from '../storage/documents.js';
import { intOption, type CommandContext, type CommandTable } from './context.js';

async function aggregate(ctx: CommandContext): Promise<Document> {
  const { body } = ctx;
  const pipeline: unknown = body.pipeline;
  if (!Array.isArray(pipeline)) throw new CommandError(ErrorCode.TypeMismatch, "'pipeline' option must be specified as an array");
  const coll = typeof body.aggregate === 'string' ? body.aggregate : undefined;
  const cursorSpec = (body.cursor as Document | undefined) ?? {};
  const batchSize = intOption(cursorSpec, 'batchSize');
  const first = pipeline[0] as Document | undefined;
  if (first && '$changeStream' in first) {
    const stream = ctx.server.changeStreams.open({
      db: ctx.db,
      ...(coll ? { coll } : {}),
      spec: (first.$changeStream as Document | undefined) ?? {},
      pipeline: pipeline.slice(1) as Document[],
    });
    return { cursor: await ctx.server.cursors.open(stream, batchSize, 0) };
  }
  const last = pipeline[pipeline.length - 1] as Document | undefined;
  const writeStage = last && ('$out' in last || '$merge' in last) ? last : undefined;
  const stages = (writeStage ? pipeline.slice(0, -1) : pipeline) as Document[];
  const results = runPipeline(inputDocs(ctx, coll, stages), stages, (name) => resolve(ctx, name), body.let as Document | undefined);
  if (writeStage) {
    writeStageOutput(ctx, writeStage, results);
    return { cursor: await ctx.server.cursors.open(new IteratorCursor(`${ctx.db}.${coll ?? '$cmd.aggregate'}`, []), 0, undefined) };
  }
  const cursor = new IteratorCursor(`${ctx.db}.${coll ?? '$cmd.aggregate'}`, results);
  return { cursor: await ctx.server.cursors.open(cursor, batchSize ?? DEFAULT_FIRST_BATCH, undefined) };
}

/** The pipeline's input; a leading `$match` narrows it through the indexes (it still runs in mingo). */
function inputDocs(ctx: CommandContext, coll: string | undefined, stages: Document[]): Document[] {
  if (!coll) return [];
  const first = stages[0];
  const filter = first && '$match' in first ? (first.$match as Document) : undefined;
  return [...ctx.view.candidates(ctx.db, coll, filter)];
}

/** `$lookup`, `$unionWith`, `$graphLookup` read other collections of the same database. */
function resolve(ctx: CommandContext, name: string): Document[] {
  return [...ctx.view.candidates(ctx.db, name, undefined)].map(cloneDoc);
}

export const aggregateCommands: CommandTable = { aggregate };
