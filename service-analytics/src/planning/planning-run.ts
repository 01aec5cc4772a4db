import { sleep, utcDayKey, type BackgroundLogger, type Lease, type PlanningRunCounts, type PlanningSettings } from '@icc/shared';
import type { AnyBulkWriteOperation, Db } from 'mongodb';
import { FACT_COLLECTIONS } from '../facts/fact-collections.js';
import type { StockReadModelDoc } from '../facts/reference-mirror.js';
import { FORECAST_COLLECTIONS, type TrainingJobDocument } from '../forecasts/forecast-collections.js';
import { chunks } from '../util/collections.js';
import { bulkWriteIgnoringDuplicates } from '../util/bulk-writes.js';
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
  const read = (c: number) => readChunkInputs(db, run.tenantId, parts[c]!, run.parameters.locationCodes);
  // A pipeline over the chunks: while this process decides chunk c, the engine serves chunk c + 1's reads and chunk c − 1's writes.
  let prepared: Promise<ChunkInputs> | null = parts.length > 0 ? read(0) : null;
  let writing: Promise<boolean> | null = null;
  for (let c = 0; c < parts.length && !signal.aborted; c += 1) {
    const chunk = await timed(phases, 'read chunk inputs (waited)', () => prepared!);
    prepared = c + 1 < parts.length ? read(c + 1) : null;
    prepared?.catch(() => undefined);
    const plan = timedSync(phases, 'decide', () => decideChunk(run, chunk, tenant, settings, now(), serviceItems, parts[c]!));
    if (writing && !(await timed(phases, 'writes (waited)', () => writing!))) return; // taken over by another runner (logged by the lease)
    writing = writeChunk(db, lease, plan, settings, phases);
    writing.catch(() => undefined);
  }
  const last = writing;
  if (last && !(await timed(phases, 'writes (waited)', () => last))) return;
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

/** A chunk decided: what its write does, and the counts it adds to the run once written. */
interface ChunkPlan {
  chunk: ChunkInputs;
  skus: readonly string[];
  at: Date;
  write: ChunkWrite;
  pairDocs: AnyBulkWriteOperation<PlanningPairDocument>[];
  planned: PairDesire[];
  counts: PlanningRunCounts;
  skipped: PlanningRunDocument['skipped'];
}

/**
 * Decide every pair of the chunk (pure, on this process): the recommendations
 * each wants, TRANSFERs across its locations, and the pair states that
 * changed. Counts go to the plan, and reach the run only with its write, so a
 * progress record never counts a chunk that a resumed run will redo.
 */
function decideChunk(
  run: PlanningRunDocument,
  chunk: ChunkInputs,
  tenant: TenantInputs,
  settings: PlanningSettings,
  at: Date,
  serviceItems: ServiceItem[],
  chunkSkus: readonly string[],
): ChunkPlan {
  const today = run.inputs.today!;
  const counts = Object.fromEntries(Object.keys(run.counts).map((key) => [key, 0])) as unknown as PlanningRunCounts;
  const plan: ChunkPlan = { chunk, skus: chunkSkus, at, write: { pairs: [], pending: chunk.pending }, pairDocs: [], planned: [], counts, skipped: [] };
  const skus = new Set<string>();
  for (const stock of chunk.stock) {
    const outcome = planPair(stock, chunk, tenant, settings, today);
    noteStock(run, stock);
    if ('skipped' in outcome) {
      counts.pairsSkipped += 1;
      plan.skipped.push(outcome.skipped);
      continue;
    }
    const pair = outcome.planned;
    if (pair.serviceItem !== null) serviceItems.push(pair.serviceItem);
    skus.add(pair.sku);
    counts.pairsAnalysed += 1;
    noteForecast(run, pair.forecastJobId, pair.forecastDate);
    const desired = [reorderOf(pair, run.tenantId), excessOf(pair, run.tenantId, settings.excessThresholdDays)].filter(
      (d): d is DesiredRecommendation => d !== null,
    );
    plan.write.pairs.push({ sku: pair.sku, locationCode: pair.locationCode, desired });
    plan.planned.push({ pair, desired });
    const _id = `${run.tenantId}:${pair.sku}:${pair.locationCode}`;
    const state = { reorderPoint: pair.decision.reorderPoint, inventoryPosition: pair.decision.inventoryPosition, acceptedOpen: pair.acceptedOpen };
    const last = chunk.pairs.get(_id);
    // Written only when it changed: the stock watcher needs the numbers, not one write per pair and run.
    if (last && last.reorderPoint === state.reorderPoint && last.inventoryPosition === state.inventoryPosition && last.acceptedOpen === state.acceptedOpen)
      continue;
    const replacement = { tenantId: run.tenantId, sku: pair.sku, locationCode: pair.locationCode, ...state, plannedAt: at, runId: run._id };
    // A pair planned for the first time is inserted (an insert costs the engine less than an upsert); a concurrent run's insert of it stands.
    plan.pairDocs.push(last ? { replaceOne: { filter: { _id }, replacement, upsert: true } } : { insertOne: { document: { _id, ...replacement } } });
  }
  counts.skusAnalysed += skus.size;
  // TRANSFERs per SKU across its locations, once every pair is decided: they replace or reduce the receivers' REORDERs in `desired`.
  transfersOf(plan.planned, chunk, tenant, settings, run.tenantId);
  return plan;
}

/**
 * Write a decided chunk — recommendations, changed pair states, alerts — then
 * add its counts to the run and record progress past its last SKU. Answers
 * false when the lease was lost.
 */
async function writeChunk(db: Db, lease: Lease<PlanningRunDocument>, plan: ChunkPlan, settings: PlanningSettings, phases?: PhaseTimes): Promise<boolean> {
  const run = lease.job;
  const { at, counts } = plan;
  await timed(phases, 'write recommendations', () =>
    writeChunkRecommendations(db, plan.write, { runId: run._id, now: at, ttlHours: settings.recommendationTtlHours }, counts),
  );
  if (plan.pairDocs.length > 0)
    await timed(phases, 'write pair states', () =>
      bulkWriteIgnoringDuplicates(db.collection<PlanningPairDocument>(PLANNING_COLLECTIONS.planningPairs), plan.pairDocs),
    );
  const scope = { tenantId: run.tenantId, runId: run._id, now: at, skus: plan.skus, locationCodes: run.parameters.locationCodes };
  await raiseChunkAlerts(
    db,
    scope,
    run.inputs.today!,
    plan.chunk,
    plan.planned.map((p) => p.pair),
    settings,
    counts,
    phases,
  );
  for (const key of Object.keys(counts) as (keyof PlanningRunCounts)[]) run.counts[key] += counts[key];
  for (const skipped of plan.skipped) if (run.skipped.length < SKIPPED_KEPT) run.skipped.push(skipped);
  run.progress.done += plan.skus.length;
  run.resumeAfterSku = plan.skus.at(-1)!;
  return timed(phases, 'progress heartbeat', () =>
    lease.heartbeat({
      $set: { progress: run.progress, counts: run.counts, resumeAfterSku: run.resumeAfterSku, inputs: run.inputs, skipped: run.skipped },
    }),
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
