import type { Db } from 'mongodb';
import { FORECAST_COLLECTIONS, type LatestForecastDocument, type MlModelDocument } from './forecast-collections.js';
import { chunks, IN_LIST_MAX } from '../util/collections.js';
import { median } from '../util/statistics.js';

/** A tenant's typical campaign effect: what-if's fallback for a SKU without campaign history of its own. */
export interface TenantCampaignEffectDocument {
  /** The tenant id. */
  _id: string;
  /** Median learned lift over the SKUs whose active model has one. */
  lift: number;
  averageDiscountPercent: number;
  skus: number;
  /** Campaign days behind the SKU lifts, summed. */
  campaignDays: number;
  updatedAt: Date;
}

/**
 * Recompute the tenant's median campaign lift from the active models (those
 * the latest-forecast pointers name) that learned one. Removed when none did.
 */
export async function updateTenantCampaignEffect(db: Db, tenantId: string, now = new Date()): Promise<void> {
  const pointers = await db
    .collection<LatestForecastDocument>(FORECAST_COLLECTIONS.latestForecasts)
    .find({ tenantId }, { projection: { modelId: 1 } })
    .toArray();
  const ids = pointers.map((p) => p.modelId);
  const effects: NonNullable<MlModelDocument['campaignEffect']>[] = [];
  for (const chunk of chunks(ids, IN_LIST_MAX)) {
    const models = await db
      .collection<MlModelDocument>(FORECAST_COLLECTIONS.mlModels)
      .find({ _id: { $in: chunk }, campaignEffect: { $ne: null } }, { projection: { campaignEffect: 1 } })
      .toArray();
    for (const m of models) if (m.campaignEffect) effects.push(m.campaignEffect);
  }
  const collection = db.collection<TenantCampaignEffectDocument>(FORECAST_COLLECTIONS.campaignEffects);
  if (effects.length === 0) {
    await collection.deleteOne({ _id: tenantId });
    return;
  }
  await collection.replaceOne(
    { _id: tenantId },
    {
      lift: median(effects.map((e) => e.lift))!,
      averageDiscountPercent: median(effects.map((e) => e.averageDiscountPercent))!,
      skus: effects.length,
      campaignDays: effects.reduce((sum, e) => sum + e.campaignDays, 0),
      updatedAt: now,
    },
    { upsert: true },
  );
}
