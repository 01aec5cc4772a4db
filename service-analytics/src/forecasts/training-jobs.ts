import { randomBytes } from 'node:crypto';
import { addUtcDays, AppError, utcDayKey, type DayKey, type TrainingJob, type TrainRequest } from '@icc/shared';
import type { Db } from 'mongodb';
import { FACT_COLLECTIONS } from '../facts/fact-collections.js';
import type { ProductMirrorDoc } from '../facts/reference-mirror.js';
import { FORECAST_COLLECTIONS, type TrainingJobDocument } from './forecast-collections.js';

/** Unknown SKUs named in a refusal, at most. */
const NAMED_UNKNOWN = 10;

/**
 * Queue a training job: validate what the request names against the catalog
 * mirror (an unknown SKU is the caller's mistake, refused before anything is
 * written), then insert it as `pending`. The runner picks it up.
 *
 * @example const job = await createTrainingJob(db, 'acme', { horizon: 28, confidence: 0.95, season: 7 }, new Date())
 */
export async function createTrainingJob(db: Db, tenantId: string, request: TrainRequest, now: Date): Promise<TrainingJobDocument> {
  const yesterday = addUtcDays(utcDayKey(now), -1);
  const asOf: DayKey = request.asOf ?? yesterday;
  if (asOf > yesterday) {
    throw new AppError('INVALID_INPUT', `asOf must be a complete day, ${yesterday} or earlier (got ${asOf}): a forecast is made from finished days`, [
      { path: 'asOf', message: `at most ${yesterday}` },
    ]);
  }
  const skus = request.skus ? [...new Set(request.skus)].sort() : null;
  if (skus) await refuseUnknownSkus(db, tenantId, skus);
  const job: TrainingJobDocument = {
    _id: newJobId(now),
    tenantId,
    status: 'pending',
    request: { skus, horizon: request.horizon, confidence: request.confidence, season: request.season, asOf },
    progress: { total: skus?.length ?? 0, done: 0, forecast: 0, skipped: 0, failed: 0 },
    resumeAfter: null,
    summary: null,
    tally: { models: {}, mase: [], seasonalNaiveMase: [], failures: [], skipped: [], forecastSample: [] },
    error: null,
    createdAt: now,
    startedAt: null,
    completedAt: null,
    heartbeatAt: null,
    runner: null,
  };
  await db.collection<TrainingJobDocument>(FORECAST_COLLECTIONS.trainingJobs).insertOne(job);
  return job;
}

/** A job of the tenant, as the API shows it; NOT_FOUND for another tenant's or an unknown id. */
export async function getTrainingJob(db: Db, tenantId: string, jobId: string): Promise<TrainingJob> {
  const job = await db.collection<TrainingJobDocument>(FORECAST_COLLECTIONS.trainingJobs).findOne({ _id: jobId, tenantId });
  if (!job) throw new AppError('NOT_FOUND', `No training job ${jobId}`);
  return toTrainingJob(job);
}

function toTrainingJob(job: TrainingJobDocument): TrainingJob {
  return {
    jobId: job._id,
    status: job.status,
    request: job.request,
    progress: job.progress,
    summary: job.summary,
    error: job.error,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    waitingForFeaturesSince: job.waitingForFeaturesSince?.toISOString() ?? null,
    completedAt: job.completedAt?.toISOString() ?? null,
  };
}

async function refuseUnknownSkus(db: Db, tenantId: string, skus: readonly string[]): Promise<void> {
  const known = new Set<string>();
  const products = db.collection<ProductMirrorDoc>(FACT_COLLECTIONS.productsMirror);
  for (let i = 0; i < skus.length; i += 1_000) {
    const ids = skus.slice(i, i + 1_000).map((sku) => `${tenantId}:${sku}`);
    for (const p of await products.find({ _id: { $in: ids } }, { projection: { sku: 1 } }).toArray()) known.add(p.sku);
  }
  const unknown = skus.filter((sku) => !known.has(sku));
  if (unknown.length === 0) return;
  const named = unknown.slice(0, NAMED_UNKNOWN).join(', ');
  const more = unknown.length > NAMED_UNKNOWN ? ` and ${unknown.length - NAMED_UNKNOWN} more` : '';
  throw new AppError('INVALID_INPUT', `Unknown SKU${unknown.length > 1 ? 's' : ''}: ${named}${more} (not in the catalog)`, [
    { path: 'skus', message: `unknown: ${named}${more}` },
  ]);
}

/** `train-20260124-3f9a1c`: sortable by day, unique by its random tail. */
function newJobId(now: Date): string {
  return `train-${utcDayKey(now).replaceAll('-', '')}-${randomBytes(4).toString('hex')}`;
}
