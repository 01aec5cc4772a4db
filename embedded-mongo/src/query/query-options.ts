import { Context } from 'mingo/core';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import { Query as CoreQuery } from 'mingo/query';
import type { Options } from 'mingo/types';

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
  let captured: Partial<Options> | undefined;
  const context = Context.init({
    accumulator: accumulatorOperators,
    expression: expressionOperators,
    pipeline: pipelineOperators,
    projection: projectionOperators,
    // Spread: the module namespace object is frozen, and we add one operator.
    query: {
      ...queryOperators,
      $__captureOptions: (_selector: string, _value: unknown, options: Partial<Options>) => {
        captured = options;
        return () => true;
      },
    },
    window: windowOperators,
  });
  new CoreQuery({ _: { $__captureOptions: 1 } }, { ...base, context });
  if (!captured) throw new Error('mingo did not hand out its compute options');
  return captured;
}
