import { AppError, type ForecastResponse, type StoredModel } from '@icc/shared';
import type { Db } from 'mongodb';
import { FORECAST_COLLECTIONS, type ForecastDocument, type LatestForecastDocument, type MlModelDocument, type StoredInterval } from './forecast-collections.js';
import { chunks, IN_LIST_MAX } from '../util/collections.js';

/** Model versions listed per SKU, newest first. */
const MODEL_HISTORY = 20;

/**
 * The SKU's latest stored forecast, cut to `horizon` days and with the
 * interval at `confidenceLevel` (both selected from what the job stored;
 * nothing is trained or refitted on a read).
 *
 * @example await latestForecast(db, 'acme', 'SKU-1', { horizon: 14, confidenceLevel: 0.8 })
 */
export async function latestForecast(
  db: Db,
  tenantId: string,
  sku: string,
  query: { horizon?: number | undefined; confidenceLevel?: number | undefined },
): Promise<ForecastResponse> {
  const forecast = await currentForecast(db, tenantId, sku);
  const horizon = query.horizon ?? forecast.horizon;
  if (horizon > forecast.horizon) {
    throw new AppError(
      'INVALID_INPUT',
      `The latest forecast of ${sku} covers ${forecast.horizon} days; ask for at most ${forecast.horizon}, or train with a longer horizon (POST /api/models/train)`,
      [{ path: 'horizon', message: `at most ${forecast.horizon}` }],
    );
  }
  const confidence = query.confidenceLevel ?? forecast.confidence;
  const interval = intervalAt(forecast, confidence);
  return {
    sku,
    forecastDate: forecast.forecastDate,
    predictions: forecast.predictions.slice(0, horizon).map((p, k) => ({
      date: p.date,
      quantity: p.quantity,
      // Demand is never negative: the lower bound stops at zero, as the job's own bounds do.
      lowerBound: Math.max(0, p.quantity - interval.halfWidths[k]!),
      upperBound: p.quantity + interval.halfWidths[k]!,
    })),
    modelUsed: forecast.modelType,
    confidence,
    generatedAt: forecast.createdAt.toISOString(),
    jobId: forecast.jobId,
    demandClass: forecast.demandClass,
    reason: forecast.reason,
    intervalsReliable: interval.reliable,
  };
}

/** The forecast the SKU's pointer names; NOT_FOUND (saying how to make one) when there is none. */
export async function currentForecast(db: Db, tenantId: string, sku: string): Promise<ForecastDocument> {
  const pointer = await db.collection<LatestForecastDocument>(FORECAST_COLLECTIONS.latestForecasts).findOne({ _id: `${tenantId}:${sku}` });
  const forecast = pointer && (await db.collection<ForecastDocument>(FORECAST_COLLECTIONS.forecasts).findOne({ _id: pointer.forecastId }));
  if (!forecast) throw noForecast(sku);
  return forecast;
}

function noForecast(sku: string): AppError {
  return new AppError('NOT_FOUND', `No forecast for ${sku} yet: run \`pnpm trigger-forecast ${sku}\` or POST /api/models/train, then read it here`);
}

function intervalAt(forecast: ForecastDocument, confidence: number): StoredInterval {
  const match = forecast.intervals.find((i) => Math.abs(i.confidence - confidence) < 1e-9);
  if (match) return match;
  const levels = forecast.intervals.map((i) => i.confidence).join(', ');
  throw new AppError('INVALID_INPUT', `Intervals are stored at confidence ${levels}; ask for one of them (got ${confidence})`, [
    { path: 'confidenceLevel', message: `one of ${levels}` },
  ]);
}

/**
 * The SKU's model versions, newest first; the active one is the model of its
 * latest forecast.
 */
export async function modelsOf(db: Db, tenantId: string, sku: string): Promise<{ sku: string; items: StoredModel[] }> {
  const models = await db
    .collection<MlModelDocument>(FORECAST_COLLECTIONS.mlModels)
    .find({ tenantId, sku })
    .sort({ version: -1 })
    .limit(MODEL_HISTORY)
    .toArray();
  if (models.length === 0) throw new AppError('NOT_FOUND', `No model trained for ${sku} yet: run \`pnpm trigger-forecast ${sku}\` or POST /api/models/train`);
  const pointer = await db.collection<LatestForecastDocument>(FORECAST_COLLECTIONS.latestForecasts).findOne({ _id: `${tenantId}:${sku}` });
  return { sku, items: models.map((m) => toStoredModel(m, m._id === pointer?.modelId)) };
}

function toStoredModel(m: MlModelDocument, active: boolean): StoredModel {
  return {
    sku: m.sku,
    version: m.version,
    modelType: m.modelType,
    active,
    trainedAt: m.trainedAt.toISOString(),
    jobId: m.jobId,
    demandClass: m.demandClass,
    parameters: m.parameters,
    weights: m.weights,
    members: m.members,
    backtest: m.backtest,
    campaignEffect: m.campaignEffect,
  };
}

/**
 * Seed 000's batch read for planning: each SKU's latest daily quantities for
 * `horizon` days. SKUs without a stored forecast are listed in `missing`;
 * those whose forecast is shorter than asked in `shorterThanAsked` (with the
 * days they have).
 */
export async function forecastBatch(
  db: Db,
  tenantId: string,
  request: { skus: readonly string[]; horizon: number },
): Promise<{ forecasts: Record<string, number[]>; missing: string[]; shorterThanAsked: string[] }> {
  const skus = [...new Set(request.skus)];
  const pointers = new Map<string, string>();
  for (const chunk of chunks(skus, IN_LIST_MAX)) {
    const found = await db
      .collection<LatestForecastDocument>(FORECAST_COLLECTIONS.latestForecasts)
      .find({ _id: { $in: chunk.map((sku) => `${tenantId}:${sku}`) } }, { projection: { sku: 1, forecastId: 1 } })
      .toArray();
    for (const p of found) pointers.set(p.sku, p.forecastId);
  }
  const forecasts: Record<string, number[]> = {};
  const shorterThanAsked: string[] = [];
  const ids = [...pointers.values()];
  for (const chunk of chunks(ids, IN_LIST_MAX)) {
    const docs = await db
      .collection<ForecastDocument>(FORECAST_COLLECTIONS.forecasts)
      .find({ _id: { $in: chunk } }, { projection: { sku: 1, predictions: 1 } })
      .toArray();
    for (const doc of docs) {
      forecasts[doc.sku] = doc.predictions.slice(0, request.horizon).map((p) => p.quantity);
      if (doc.predictions.length < request.horizon) shorterThanAsked.push(doc.sku);
    }
  }
  return { forecasts, missing: skus.filter((sku) => !(sku in forecasts)), shorterThanAsked: shorterThanAsked.sort() };
}
