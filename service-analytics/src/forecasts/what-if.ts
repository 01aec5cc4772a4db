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
  const appliedLift = effect.averageDiscountPercent > 0 ? (effect.lift * campaign.discountPercent) / effect.averageDiscountPercent : 0;
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

async function learnedEffect(db: Db, tenantId: string, forecast: ForecastDocument): Promise<LearnedEffect> {
  const model = await db.collection<MlModelDocument>(FORECAST_COLLECTIONS.mlModels).findOne({ _id: forecast.modelId }, { projection: { campaignEffect: 1 } });
  if (model?.campaignEffect) return { ...model.campaignEffect, source: 'sku-history' };
  const tenant = await db.collection<TenantCampaignEffectDocument>(FORECAST_COLLECTIONS.campaignEffects).findOne({ _id: tenantId });
  if (tenant) return { lift: tenant.lift, campaignDays: tenant.campaignDays, averageDiscountPercent: tenant.averageDiscountPercent, source: 'tenant-median' };
  throw new AppError(
    'CONFLICT',
    `No campaign effect learned yet: neither ${forecast.sku} nor any other SKU of this tenant had enough campaign days (7) in stock when the forecasts were trained`,
  );
}
