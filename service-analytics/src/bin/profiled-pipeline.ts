import type { Db } from 'mongodb';
import type { BatchContext, ChangeSink, SourceChange } from '../cdc/cdc.types.js';
import { createPipeline, type Pipeline, type PipelineOptions, type PipelineStep } from '../pipeline.js';

/** Time spent in one pipeline step over all batches. */
export interface StepTiming {
  calls: number;
  totalMs: number;
  maxMs: number;
}

export interface PipelineProfile {
  batches: number;
  changes: number;
  /**
   * `facts`: raw events, daily facts and queued feature work, one transaction
   * (recordFacts). `features`: the feature worker's rounds (off the
   * consumer's path: they run beside it, one per interval).
   */
  steps: Record<PipelineStep | 'features', StepTiming>;
}

/**
 * `createPipeline` (pipeline.ts) with each step timed — for benchmarks that
 * must say which step costs what.
 *
 * @example
 *   const { sink, profile } = profiledPipeline(analytics);
 *   await sink.apply(changes);
 *   profile().steps.facts.totalMs;
 */
export function profiledPipeline(
  analytics: Db,
  options: Omit<PipelineOptions, 'timeStep'> = {},
): { sink: ChangeSink; pipeline: Pipeline; profile: () => PipelineProfile } {
  const timing = (): StepTiming => ({ calls: 0, totalMs: 0, maxMs: 0 });
  const state: { batches: number; changes: number; steps: Record<PipelineStep, StepTiming> } = {
    batches: 0,
    changes: 0,
    steps: { mirror: timing(), facts: timing() },
  };
  async function timeStep<T>(step: PipelineStep, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      const ms = performance.now() - started;
      const entry = state.steps[step];
      entry.calls += 1;
      entry.totalMs += ms;
      entry.maxMs = Math.max(entry.maxMs, ms);
    }
  }
  const pipeline = createPipeline(analytics, { ...options, timeStep });
  return {
    sink: {
      async apply(changes: readonly SourceChange[], context?: BatchContext): Promise<void> {
        if (changes.length === 0) return;
        state.batches += 1;
        state.changes += changes.length;
        await pipeline.apply(changes, context);
      },
      caughtUp: (signal) => pipeline.caughtUp(signal),
    },
    pipeline,
    profile: () => {
      const worker = pipeline.features.status();
      return structuredClone({ ...state, steps: { ...state.steps, features: { calls: worker.rounds, totalMs: worker.busyMs, maxMs: worker.maxRoundMs } } });
    },
  };
}
