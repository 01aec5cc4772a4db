import type { DayKey } from '@icc/shared';
import type { Db } from 'mongodb';
import { futureFlags, readHistories, skusWithHistory, tenantCampaigns } from '@icc/service-analytics/testing';

/** The runner's chunk: SKUs read together. */
const RUNNER_CHUNK = 200;

/**
 * Time the runner's reads alone, chunk by chunk as it does them: which SKUs
 * have history, each chunk's histories from the feature store (one history
 * document per SKU) and its future
 * flags (the tenant's campaigns read once, as the runner does). Run after the job, it shows how much of the real path is the
 * database rather than forecasting.
 */
export async function timeHistoryReads(
  db: Db,
  tenantId: string,
  asOf: DayKey,
  forecastDate: DayKey,
  horizon: number,
): Promise<{ seconds: number; skus: number; rows: number }> {
  const started = performance.now();
  const skus = await skusWithHistory(db, tenantId);
  const campaigns = await tenantCampaigns(db, tenantId);
  let rows = 0;
  for (let i = 0; i < skus.length; i += RUNNER_CHUNK) {
    const histories = await readHistories(db, tenantId, skus.slice(i, i + RUNNER_CHUNK), asOf, campaigns);
    futureFlags([...histories.keys()], forecastDate, horizon, campaigns);
    for (const h of histories.values()) rows += h.series.values.length;
  }
  return { seconds: (performance.now() - started) / 1000, skus: skus.length, rows };
}
