import type { Db } from 'mongodb';
import { mirrorReferenceData } from '../facts/reference-mirror.js';
import { recordFacts } from '../facts/record-facts.js';
import { recomputeFeatures } from '../features/feature-store.js';
import type { ChangeSink, SourceChange } from './cdc.types.js';

/** Time spent in one pipeline step over all batches. */
export interface StepTiming {
  calls: number;
  totalMs: number;
  maxMs: number;
}

export interface PipelineProfile {
  batches: number;
  changes: number;
  /** `facts`: raw events and daily facts, one transaction (recordFacts). */
  steps: Record<'mirror' | 'facts' | 'features', StepTiming>;
}

/**
 * The same steps as `createPipeline` (pipeline.ts), in the same order, each
 * timed — for benchmarks that must say which step costs what. Not used in
 * production: if pipeline.ts gains a step, this copy must follow (the bench
 * compares their outputs only indirectly, through the facts it reads).
 *
 * @example
 *   const { sink, profile } = profiledPipeline(analytics);
 *   await sink.apply(changes);
 *   profile().steps.facts.totalMs;
 */
export function profiledPipeline(analytics: Db): { sink: ChangeSink; profile(): PipelineProfile } {
  const timing = (): StepTiming => ({ calls: 0, totalMs: 0, maxMs: 0 });
  const state: PipelineProfile = { batches: 0, changes: 0, steps: { mirror: timing(), facts: timing(), features: timing() } };
  async function timed<T>(step: keyof PipelineProfile['steps'], work: () => Promise<T>): Promise<T> {
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
  return {
    sink: {
      async apply(changes: readonly SourceChange[]): Promise<void> {
        if (changes.length === 0) return;
        state.batches += 1;
        state.changes += changes.length;
        await timed('mirror', () => mirrorReferenceData(analytics, changes));
        const touchedFeatures = await timed('facts', () => recordFacts(analytics, changes));
        await timed('features', () => recomputeFeatures(analytics, touchedFeatures));
      },
    },
    profile: () => structuredClone(state),
  };
}
