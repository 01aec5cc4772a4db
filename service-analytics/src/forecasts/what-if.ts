import { addUtcDays, AppError, type DayKey, type WhatIfResponse } from '@icc/shared';
import type { Db } from 'mongodb';
import type { TenantCampaignEffectDocument } from './campaign-effects.js';
import { FORECAST_COLLECTIONS, type ForecastDocument, type MlModelDocument } from './forecast-collections.js';
import { currentForecast } from './forecast.queries.js';

export interface WhatIfRequest {
  sku: string;
  discountPercent: number;
  durationDays: number;
  startDate?: DayKey | undefined;
}

export interface LearnedEffect {
  lift: number;
  campaignDays: number;
  averageDiscountPercent: number;
  source: 'sku-history' | 'tenant-median';
}

/**
 * What a campaign would do to the SKU's latest stored forecast: on the
 * campaign days, demand × (1 + lift), where the lift is the one learned from
 * past campaign days (the SKU's own when it had enough, else the tenant's
 * median) scaled by the asked discount over the average discount it was
 * learned at — a linear response to the discount, the simplest assumption
 * the data can support; it is stated in the answer. Other days are unchanged
 * (no pull-forward or post-campaign dip is modelled).
 */
export async function whatIf(db: Db, tenantId: string, request: WhatIfRequest): Promise<WhatIfResponse> {
  const forecast = await currentForecast(db, tenantId, request.sku);
  const start = request.startDate ?? forecast.forecastDate;
  const last = addUtcDays(start, request.durationDays - 1);
  const forecastEnd = forecast.predictions[forecast.predictions.length - 1]!.date;
  if (start < forecast.forecastDate || last > forecastEnd) {
    throw new AppError('INVALID_INPUT', `The campaign (${start} to ${last}) must fall within the stored forecast, ${forecast.forecastDate} to ${forecastEnd}`, [
      { path: start < forecast.forecastDate ? 'startDate' : 'durationDays', message: `within ${forecast.forecastDate}..${forecastEnd}` },
    ]);
  }
  const effect = await learnedEffect(db, tenantId, forecast);
  return applyCampaign(forecast, effect, { start, last, discountPercent: request.discountPercent });
}

/** The pure part: the adjusted predictions. */
function applyCampaign(
  forecast: Pick<ForecastDocument, 'sku' | 'forecastDate' | 'predictions'>,
  effect: LearnedEffect,
  campaign: { start: DayKey; last: DayKey; discountPercent: number },
): WhatIfResponse {
  const appliedLift = appliedLiftOf(effect, campaign.discountPercent);
  let extraUnits = 0;
  const predictions = forecast.predictions.map((p) => {
    const inCampaign = p.date >= campaign.start && p.date <= campaign.last;
    // A negative learned lift (campaigns that sold less) is kept: the data said so. Demand stays ≥ 0.
    const adjusted = inCampaign ? Math.max(0, p.quantity * (1 + appliedLift)) : p.quantity;
    extraUnits += adjusted - p.quantity;
    return { date: p.date, baseline: p.quantity, adjusted, campaign: inCampaign };
  });
  return {
    sku: forecast.sku,
    forecastDate: forecast.forecastDate,
    predictions,
    extraUnits,
    effect: {
      appliedLift,
      learnedLift: effect.lift,
      source: effect.source,
      campaignDays: effect.campaignDays,
      averageDiscountPercent: effect.averageDiscountPercent,
    },
  };
}

/**
 * The lift to apply at a discount: the learned lift scaled by the asked
 * discount over the average discount it was learned at (shared with the
 * multi-product what-if, planning/whatif).
 */
export function appliedLiftOf(effect: LearnedEffect, discountPercent: number): number {
  return effect.averageDiscountPercent > 0 ? (effect.lift * discountPercent) / effect.averageDiscountPercent : 0;
}

/**
 * The learned campaign effect of each forecast's SKU, read in bulk: the SKU's
 * own (its model's) else the tenant's median; a SKU is absent when neither exists.
 */
export async function learnedEffects(
  db: Db,
  tenantId: string,
  forecasts: readonly Pick<ForecastDocument, 'sku' | 'modelId'>[],
): Promise<Map<string, LearnedEffect>> {
  const [models, tenant] = await Promise.all([
    db
      .collection<MlModelDocument>(FORECAST_COLLECTIONS.mlModels)
      .find({ _id: { $in: forecasts.map((f) => f.modelId) } }, { projection: { campaignEffect: 1 } })
      .toArray(),
    db.collection<TenantCampaignEffectDocument>(FORECAST_COLLECTIONS.campaignEffects).findOne({ _id: tenantId }),
  ]);
  const byModel = new Map(models.map((m) => [m._id, m]));
  const effects = new Map<string, LearnedEffect>();
  for (const forecast of forecasts) {
    const own = byModel.get(forecast.modelId)?.campaignEffect;
    if (own) effects.set(forecast.sku, { ...own, source: 'sku-history' });
    else if (tenant)
      effects.set(forecast.sku, {
        lift: tenant.lift,
        campaignDays: tenant.campaignDays,
        averageDiscountPercent: tenant.averageDiscountPercent,
        source: 'tenant-median',
      });
  }
  return effects;
}

async function learnedEffect(db: Db, tenantId: string, forecast: ForecastDocument): Promise<LearnedEffect> {
  const effect = (await learnedEffects(db, tenantId, [forecast])).get(forecast.sku);
  if (effect) return effect;
  throw new AppError(
    'CONFLICT',
    `No campaign effect learned yet: neither ${forecast.sku} nor any other SKU of this tenant had enough campaign days (7) in stock when the forecasts were trained`,
  );
}
