import type { DayKey, PlanningSettings } from '@icc/shared';
import type { Db } from 'mongodb';
import type { PlannedPair } from '../planning-decisions.js';
import type { ChunkInputs } from '../planning-inputs.js';
import { timed, timedSync, type PhaseTimes } from '../planning-phases.js';
import { evaluateChunkAlerts } from './alert-evaluation.js';
import { readAlertInputs } from './alert-inputs.js';
import { writeChunkAlerts, type AlertScope } from './alert-writer.js';

export { resolveUnseenAlerts } from './alert-writer.js';

/**
 * A planning run's alerts for one chunk, after its recommendations are
 * written: read what the rules need beyond the planning inputs, evaluate
 * every rule over the chunk's pairs and SKUs, and write (raise, update,
 * resolve) the alerts of exactly the pairs the chunk looked at.
 *
 * @example await raiseChunkAlerts(db, { tenantId, runId, now, skus, locationCodes: null }, today, chunk, planned, settings, run.counts)
 */
export async function raiseChunkAlerts(
  db: Db,
  scope: AlertScope,
  today: DayKey,
  chunk: Pick<ChunkInputs, 'stock' | 'products'>,
  planned: readonly PlannedPair[],
  settings: Pick<PlanningSettings, 'excessThresholdDays'>,
  counts: { alertsCreated: number },
  phases?: PhaseTimes,
): Promise<void> {
  const inputs = await timed(phases, 'alerts: read', () => readAlertInputs(db, scope.tenantId, scope.skus, today));
  const found = timedSync(phases, 'alerts: evaluate', () => evaluateChunkAlerts(today, chunk, planned, inputs, settings));
  await timed(phases, 'alerts: write', () => writeChunkAlerts(db, scope, found, counts));
}
