import type { Document } from 'bson';
import { Context } from 'mingo/core';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import { Query as CoreQuery } from 'mingo/query';
import type { Options } from 'mingo/types';

type Predicate = (doc: Document) => boolean;

/**
 * `$in` over a list of strings and finite numbers, as a set lookup. mingo's
 * own `$in` intersects the field's values with the whole list for every
 * document it tests (building a hash map of the list each time), so a filter
 * with a 1,000-SKU `$in` cost 1,000 hash insertions per candidate. Any other
 * list (null, documents, regexes, ...), a dotted path, or a field value that
 * is not a plain string or number (arrays, BSON numerics, ...) goes to
 * mingo's `$in`, so the semantics stay mingo's.
 */
function setMembershipIn(selector: string, list: unknown, options: Options): Predicate {
  const general = queryOperators.$in(selector, list, options);
  if (selector.includes('.') || !Array.isArray(list) || !list.every(isSetMember)) return general;
  const members = new Set<unknown>(list);
  return (doc) => {
    const value = (doc as Record<string, unknown>)[selector];
    if (typeof value === 'string' || typeof value === 'number') return members.has(value);
    // The list holds no null, so a missing or null field never matches.
    if (value === undefined || value === null) return false;
    return general(doc);
  };
}

/** Values a JavaScript Set compares exactly as `$in` does (NaN would not: excluded). */
function isSetMember(value: unknown): boolean {
  return typeof value === 'string' || (typeof value === 'number' && !Number.isNaN(value));
}

/**
 * Options for `new Query(...)` that mingo can reuse as they are.
 *
 * Why: given plain options, every `new Query` copies each operator table of its
 * context (hundreds of entries), which profiling showed to be most of a
 * point lookup's server time (~10 µs of ~16 µs per `find`). mingo reuses the
 * context without copying when the options are its own (non-exported)
 * `ComputeOptions` instance, so we obtain one, once, from the only place mingo
 * hands it out: the third argument of a query operator at compile time.
 */
export function sharedQueryOptions(base: Partial<Options>): Partial<Options> {
  new CoreQuery({ _: { $__captureOptions: 1 } }, { ...base, context: OPERATOR_CONTEXT });
  if (!captured) throw new Error('mingo did not hand out its compute options');
  return captured;
}

let captured: Partial<Options> | undefined;

/**
 * Every mingo operator, with `$in` as the set lookup above. Aggregations get it too (their
 * `$match` stages compile queries from it), so a `$match` on a long `$in` list costs one set
 * lookup per document there as well.
 */
export const OPERATOR_CONTEXT = Context.init({
  accumulator: accumulatorOperators,
  expression: expressionOperators,
  pipeline: pipelineOperators,
  projection: projectionOperators,
  // Spread: the module namespace object is frozen, and we add one operator.
  query: {
    ...queryOperators,
    $in: setMembershipIn,
    $__captureOptions: (_selector: string, _value: unknown, options: Partial<Options>) => {
      captured = options;
      return () => true;
    },
  },
  window: windowOperators,
});
