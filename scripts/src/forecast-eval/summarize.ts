import type { ModelName } from '@icc/service-analytics/forecasting';
import { METHODS, type Method, type SeriesEvaluation } from './evaluate-series.js';
import { FREQUENCIES, type Frequency } from './frequency.js';

/** A method's means over a group of series. */
export interface MethodSummary {
  meanMase: number;
  /** Percent. */
  meanSmape: number;
  /** Share of all held-back points of the group inside the method's intervals, 0–1. */
  coverage: number;
}

export interface GroupSummary {
  /** A frequency, or `overall`. */
  group: Frequency | 'overall';
  series: number;
  /** Held-back points over the group's series. */
  points: number;
  /** The horizons held back: the frequency's one, or each frequency's for `overall`. */
  horizons: number[];
  methods: Record<Method, MethodSummary>;
  /** How often the engine chose each model, most frequent first. */
  models: Partial<Record<ModelName, number>>;
}

export interface EvaluationSummary {
  confidence: number;
  groups: GroupSummary[];
  /** Series not scored, with why (the engine could not forecast them). */
  skipped: { series: string; frequency: Frequency; error: string }[];
}

/**
 * Means per frequency (in M4's order, only those present) and over every
 * scored series: mean MASE and mean sMAPE per series, coverage over all
 * held-back points.
 *
 * @example summarize(evaluations, 0.95).groups.at(-1)!.methods.engine.meanMase
 */
export function summarize(evaluations: readonly SeriesEvaluation[], confidence: number): EvaluationSummary {
  const scored = evaluations.filter((e): e is Scored => !('error' in e));
  const skipped = evaluations.filter((e): e is Exclude<SeriesEvaluation, Scored> => 'error' in e);
  const groups: GroupSummary[] = [];
  for (const frequency of FREQUENCIES) {
    const members = scored.filter((e) => e.frequency === frequency);
    if (members.length > 0) groups.push(groupSummary(frequency, members));
  }
  if (scored.length > 0) groups.push(groupSummary('overall', scored));
  return { confidence, groups, skipped: skipped.map(({ series, frequency, error }) => ({ series, frequency, error })) };
}

type Scored = Exclude<SeriesEvaluation, { error: string }>;

function groupSummary(group: Frequency | 'overall', members: readonly Scored[]): GroupSummary {
  const points = members.reduce((sum, e) => sum + e.horizon, 0);
  const methods = Object.fromEntries(
    METHODS.map((method) => [
      method,
      {
        meanMase: mean(members.map((e) => e.scores[method].mase)),
        meanSmape: mean(members.map((e) => e.scores[method].smape)),
        coverage: members.reduce((sum, e) => sum + e.scores[method].covered, 0) / points,
      },
    ]),
  ) as Record<Method, MethodSummary>;
  const counts = new Map<ModelName, number>();
  for (const e of members) counts.set(e.model, (counts.get(e.model) ?? 0) + 1);
  const models = Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]));
  const horizons = [...new Set(members.map((e) => e.horizon))].sort((a, b) => a - b);
  return { group, series: members.length, points, horizons, methods, models };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
