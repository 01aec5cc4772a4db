import type { Document } from 'bson';
// The base Aggregator: mingo's root one merges its default operators over ours, undoing the `$in` set lookup.
import { Aggregator } from 'mingo/aggregator';
import { ProcessingMode } from 'mingo/core';
import { Query } from 'mingo/query';
import type { CollectionResolver, Options } from 'mingo/types';
import { CommandError, ErrorCode } from '../errors.js';
import { OPERATOR_CONTEXT, sharedQueryOptions } from './query-options.js';

/** A compiled filter: true when the document matches. */
export type Matcher = (doc: Document) => boolean;

/** mingo's defaults are MongoDB's; `$where`/`$function` stay off like a locked-down mongod. */
const BASE_OPTIONS: Partial<Options> = { scriptEnabled: false };
/** BASE_OPTIONS with every operator, in the form mingo reuses without copying (see query-options.ts). */
const QUERY_OPTIONS = sharedQueryOptions(BASE_OPTIONS);

/** Compile a query filter; an unknown operator becomes mongod's BadValue (2). */
export function compileFilter(filter: Document | undefined): Matcher {
  if (!filter || Object.keys(filter).length === 0) return () => true;
  const query = translateErrors(() => new Query(filter, QUERY_OPTIONS), ErrorCode.BadValue);
  return (doc) => query.test(doc);
}

/** The mingo Query object itself, for projection. */
export function buildQuery(filter: Document): Query {
  return translateErrors(() => new Query(filter, QUERY_OPTIONS), ErrorCode.BadValue);
}

/**
 * Run a pipeline. Input documents are cloned because some mingo stages
 * (`$set` of a nested path) write into their input, and stored documents are
 * shared immutable versions.
 */
export function runPipeline(docs: Document[], pipeline: Document[], resolver?: CollectionResolver, variables?: Document): Document[] {
  return translateErrors(() => {
    const aggregator = new Aggregator(pipeline, {
      ...BASE_OPTIONS,
      context: OPERATOR_CONTEXT,
      processingMode: ProcessingMode.CLONE_INPUT,
      ...(resolver ? { collectionResolver: resolver } : {}),
      ...(variables ? { variables } : {}),
    });
    return aggregator.run<Document>(docs);
  }, ErrorCode.BadValue);
}

/** Run `fn`, turning mingo's plain Errors into mongod-style command errors. */
export function translateErrors<T>(fn: () => T, code: number): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof CommandError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (message.includes('immutable field')) throw new CommandError(ErrorCode.ImmutableField, message);
    if (message.includes('would create a conflict')) throw new CommandError(ErrorCode.ConflictingUpdateOperators, message.replace(/^updating/, 'Updating'));
    if (message.includes('non-numeric argument')) throw new CommandError(ErrorCode.TypeMismatch, message);
    if (/unregistered pipeline operator|Unknown pipeline operator/i.test(message)) {
      throw new CommandError(ErrorCode.Location40324, `Unrecognized pipeline stage name: ${/\$\w+/.exec(message)?.[0] ?? ''}`);
    }
    throw new CommandError(code, mongodMessage(message));
  }
}

function mongodMessage(message: string): string {
  const unknownQuery = /^unknown query operator (\$\w+)/.exec(message);
  if (unknownQuery) return `unknown operator: ${unknownQuery[1] ?? ''}`;
  return message;
}
