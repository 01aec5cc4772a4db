import { sleep, utcDayKey, type BackgroundLogger, type Lease, type PlanningSettings } from '@icc/shared';
import type { AnyBulkWriteOperation, Db } from 'mongodb';
import { FACT_COLLECTIONS } from '../facts/fact-collections.js';
import type { StockReadModelDoc } from '../facts/reference-mirror.js';
import { FORECAST_COLLECTIONS, type TrainingJobDocument } from '../forecasts/forecast-collections.js';
import { chunks } from '../util/collections.js';
import { excessOf, planPair, reorderOf, transfersOf, type DesiredRecommendation, type PairDesire } from './planning-decisions.js';
import { readChunkInputs, readTenantInputs, type ChunkInputs, type TenantInputs } from './planning-inputs.js';
import { runAllocationOf, saveCalibration } from './planning-calibration.js';
import { planningSettingsOf } from './planning-settings.js';
import type { ServiceItem } from './policy/index.js';
import { PLANNING_COLLECTIONS } from './planning.collections.js';
import type { PlanningPairDocument, PlanningRunDocument } from './planning.types.js';
import { writeChunkRecommendations, type ChunkWrite } from './recommendation-writer.js';
import { raiseChunkAlerts, resolveUnseenAlerts } from './alerts/alert-run.js';
import { timed, timedSync, type PhaseTimes } from './planning-phases.js';

/** Skipped pairs a run keeps, with their reasons (the count is in `counts.pairsSkipped`). */
const SKIPPED_KEPT = 20;
/** Forecast job ids and dates a run records as its inputs, at most. */
const INPUTS_KEPT = 20;
/** How long a SCHEDULED run waits for the forecast job it asked for before planning on the forecasts there are. */
const FORECAST_WAIT_MS = 30 * 60_000;
const FORECAST_POLL_MS = 1_000;

export interface RunOptions {
  db: Db;
  log: BackgroundLogger;
  now: () => Date;
  /** SKUs read, decided and written together. */
  chunkSkus: number;
  signal: AbortSignal;
  /** Where the time goes, by phase (benchmarks). */
  phases?: PhaseTimes;
}

/**
 * Run one planning run under its lease: wait for the forecast it asked for
 * (SCHEDULED), read what is read once per tenant, then go through the SKUs
 * in sorted order a chunk at a time — read the chunk's inputs in bulk (the
 * next chunk's reads overlap this chunk's decisions), decide every SKU ×
 * location with the pure policy, write the recommendations and each pair's
 * reorder point, and record progress with a heartbeat. A run taken over after
 * a crash resumes after the last SKU recorded; the chunk in flight is redone,
 * which updates its recommendations in place rather than duplicating them.
 */
export async function executePlanningRun(lease: Lease<PlanningRunDocument>, options: RunOptions): Promise<void> {
  const { db, log, now, signal, phases } = options;
  const run = lease.job;
  const started = Date.now();
  const startedAt = now();
  if (run.awaitForecastJobId && !(await waitForForecast(lease, options))) return;
  if (signal.aborted) return;

  const today = utcDayKey(now());
  const settings = await planningSettingsOf(db, run.tenantId);
  const tenant = await timed(phases, 'read tenant inputs', () => readTenantInputs(db, run.tenantId, today));
  // A tenant-wide fill-rate target is allocated at a price solved from the last full run's pairs (planning-calibration.ts).
  tenant.allocation = await timed(phases, 'read tenant inputs', () => runAllocationOf(db, run.tenantId, settings));
  // Only a whole run, from its start, measures every pair for the next one's allocation.
  const calibrates = run.resumeAfterSku === null && !run.parameters.skus && !run.parameters.locationCodes;
  const serviceItems: ServiceItem[] = [];
  const skus = run.parameters.skus
    ? [...run.parameters.skus].sort()
    : await timed(phases, 'read tenant inputs', () => stockedSkus(db, run.tenantId, run.parameters.locationCodes));
  run.progress.total = skus.length;
  run.inputs.today = today;
  const todo = skus.filter((sku) => run.resumeAfterSku === null || sku > run.resumeAfterSku);
  log.info(
    { runId: run._id, tenantId: run.tenantId, kind: run.kind, skus: skus.length, remaining: todo.length, allocation: tenant.allocation },
    'planning run started',
  );

  const parts = chunks(todo, options.chunkSkus);
  let prepared: Promise<ChunkInputs> | null = parts.length > 0 ? readChunkInputs(db, run.tenantId, parts[0]!, run.parameters.locationCodes) : null;
  for (let c = 0; c < parts.length && !signal.aborted; c += 1) {
    const chunk = await timed(phases, 'read chunk inputs (waited)', () => prepared!);
    prepared = c + 1 < parts.length ? readChunkInputs(db, run.tenantId, parts[c + 1]!, run.parameters.locationCodes) : null;
    prepared?.catch(() => undefined);
    await planChunk(db, run, chunk, tenant, settings, now(), serviceItems, parts[c]!, phases);
    run.progress.done += parts[c]!.length;
    run.resumeAfterSku = parts[c]!.at(-1)!;
    const saved = await timed(phases, 'progress heartbeat', () =>
      lease.heartbeat({
        $set: { progress: run.progress, counts: run.counts, resumeAfterSku: run.resumeAfterSku, inputs: run.inputs, skipped: run.skipped },
      }),
    );
    if (!saved) return; // taken over by another runner (logged by the lease)
  }
  if (signal.aborted) return; // left running: another runner resumes it once the lease lapses
  if (calibrates) await timed(phases, 'calibration', () => saveCalibration(db, run.tenantId, run._id, serviceItems, now()));
  // A whole run resolves the alerts of pairs it no longer plans at all (each chunk resolved those of its own pairs).
  if (!run.parameters.skus && !run.parameters.locationCodes)
    await timed(phases, 'alerts: resolve unseen', () => resolveUnseenAlerts(db, run.tenantId, run._id, startedAt, now()));
  const durationMs = Date.now() - started;
  await lease.complete({
    progress: run.progress,
    counts: run.counts,
    inputs: run.inputs,
    skipped: run.skipped,
    resumeAfterSku: run.resumeAfterSku,
    durationMs,
  });
  log.info({ runId: run._id, tenantId: run.tenantId, durationMs, ...run.counts }, 'planning run finished');
}

/** Decide every pair of the chunk and write what follows. Counts and inputs accumulate on `run`. */
async function planChunk(
  db: Db,
  run: PlanningRunDocument,
  chunk: ChunkInputs,
  tenant: TenantInputs,
  settings: PlanningSettings,
  at: Date,
  serviceItems: ServiceItem[],
  chunkSkus: readonly string[],
  phases?: PhaseTimes,
): Promise<void> {
  const today = run.inputs.today!;
  const decideStarted = performance.now();
  const write: ChunkWrite = { pairs: [], pending: chunk.pending };
  const pairDocs: AnyBulkWriteOperation<PlanningPairDocument>[] = [];
  const skus = new Set<string>();
  const planned: PairDesire[] = [];
  for (const stock of chunk.stock) {
    const outcome = planPair(stock, chunk, tenant, settings, today);
    noteStock(run, stock);
    if ('skipped' in outcome) {
      run.counts.pairsSkipped += 1;
      if (run.skipped.length < SKIPPED_KEPT) run.skipped.push(outcome.skipped);
      continue;
    }
    const pair = outcome.planned;
    if (pair.serviceItem !== null) serviceItems.push(pair.serviceItem);
    skus.add(pair.sku);
    run.counts.pairsAnalysed += 1;
    noteForecast(run, pair.forecastJobId, pair.forecastDate);
    const desired = [reorderOf(pair, run.tenantId), excessOf(pair, run.tenantId, settings.excessThresholdDays)].filter(
      (d): d is DesiredRecommendation => d !== null,
    );
    write.pairs.push({ sku: pair.sku, locationCode: pair.locationCode, desired });
    planned.push({ pair, desired });
    const _id = `${run.tenantId}:${pair.sku}:${pair.locationCode}`;
    const state = { reorderPoint: pair.decision.reorderPoint, inventoryPosition: pair.decision.inventoryPosition, acceptedOpen: pair.acceptedOpen };
    const last = chunk.pairs.get(_id);
    // Written only when it changed: the stock watcher needs the numbers, not one write per pair and run.
    if (last && last.reorderPoint === state.reorderPoint && last.inventoryPosition === state.inventoryPosition && last.acceptedOpen === state.acceptedOpen)
      continue;
    pairDocs.push({
      replaceOne: {
        filter: { _id },
        replacement: { tenantId: run.tenantId, sku: pair.sku, locationCode: pair.locationCode, ...state, plannedAt: at, runId: run._id },
        upsert: true,
      },
    });
  }
  run.counts.skusAnalysed += skus.size;
  phases?.set('decide', (phases.get('decide') ?? 0) + performance.now() - decideStarted);
  // TRANSFERs per SKU across its locations, once every pair is decided: they replace or reduce the receivers' REORDERs in `desired`.
  timedSync(phases, 'transfers', () => transfersOf(planned, chunk, tenant, settings, run.tenantId));
  await timed(phases, 'write recommendations', () =>
    writeChunkRecommendations(db, write, { runId: run._id, now: at, ttlHours: settings.recommendationTtlHours }, run.counts),
  );
  if (pairDocs.length > 0)
    await timed(phases, 'write pair states', () =>
      db.collection<PlanningPairDocument>(PLANNING_COLLECTIONS.planningPairs).bulkWrite(pairDocs, { ordered: false }),
    );
  const scope = { tenantId: run.tenantId, runId: run._id, now: at, skus: chunkSkus, locationCodes: run.parameters.locationCodes };
  await raiseChunkAlerts(
    db,
    scope,
    today,
    chunk,
    planned.map((p) => p.pair),
    settings,
    run.counts,
    phases,
  );
}

function noteStock(run: PlanningRunDocument, stock: StockReadModelDoc): void {
  if (run.inputs.stockAsOf === null || stock.updatedAt > run.inputs.stockAsOf) run.inputs.stockAsOf = stock.updatedAt;
}

function noteForecast(run: PlanningRunDocument, jobId: string, forecastDate: string): void {
  const { inputs } = run;
  if (!inputs.forecastJobIds.includes(jobId) && inputs.forecastJobIds.length < INPUTS_KEPT) inputs.forecastJobIds.push(jobId);
  if (!inputs.forecastDates.includes(forecastDate) && inputs.forecastDates.length < INPUTS_KEPT) inputs.forecastDates.push(forecastDate);
}

/** Every SKU the tenant holds a stock position of (at the named locations), sorted. */
async function stockedSkus(db: Db, tenantId: string, locationCodes: readonly string[] | null): Promise<string[]> {
  const filter = locationCodes ? { tenantId, locationCode: { $in: [...locationCodes] } } : { tenantId };
  const skus = await db.collection<StockReadModelDoc>(FACT_COLLECTIONS.stockReadModel).distinct('sku', filter);
  return skus.sort();
}

/** Keep the lease while the forecast job the run asked for finishes; false when the lease was lost. */
async function waitForForecast(lease: Lease<PlanningRunDocument>, options: RunOptions): Promise<boolean> {
  const { db, signal, log } = options;
  const deadline = Date.now() + FORECAST_WAIT_MS;
  const jobs = db.collection<TrainingJobDocument>(FORECAST_COLLECTIONS.trainingJobs);
  while (!signal.aborted && Date.now() < deadline) {
    const job = await jobs.findOne({ _id: lease.job.awaitForecastJobId!, tenantId: lease.job.tenantId }, { projection: { status: 1 } });
    if (!job || job.status === 'completed' || job.status === 'failed') return true;
    if (!(await lease.heartbeat())) return false;
    await sleep(FORECAST_POLL_MS, signal);
  }
  if (!signal.aborted)
    log.warn({ runId: lease.job._id, jobId: lease.job.awaitForecastJobId }, 'planning run starts before the forecast job it asked for finished');
  return true;
}
