/**
 * Pricing of a sales-order line: the list price less the best active campaign
 * that covers the SKU, unless the desk gives a price (or names the campaign).
 * Pure, so the rules are tested without a database.
 */
import { roundMoney } from '@icc/shared';
export interface ActiveCampaign {
  id: string;
  discountPercent: number;
  skus: readonly string[];
}

export interface LinePrice {
  listPrice: number;
  unitPrice: number;
  discountPercent: number;
  campaignId: string | null;
}

export type PricingProblem = { kind: 'campaignNotApplicable'; campaignId: string };

/**
 * @example
 *   priceLine({ sku: 'A', listPrice: 10 }, [{ id: 'c1', discountPercent: 20, skus: ['A'] }])
 *   // { listPrice: 10, unitPrice: 8, discountPercent: 20, campaignId: 'c1' }
 */
export function priceLine(
  line: { sku: string; listPrice: number; unitPrice?: number | undefined; campaignId?: string | undefined },
  active: readonly ActiveCampaign[],
): LinePrice | PricingProblem {
  const covering = active.filter((c) => c.skus.includes(line.sku));
  let campaign: ActiveCampaign | undefined;
  if (line.campaignId !== undefined) {
    campaign = covering.find((c) => c.id === line.campaignId);
    if (!campaign) return { kind: 'campaignNotApplicable', campaignId: line.campaignId };
  } else if (line.unitPrice === undefined) {
    campaign = covering.reduce<ActiveCampaign | undefined>((best, c) => (!best || c.discountPercent > best.discountPercent ? c : best), undefined);
  }
  if (line.unitPrice !== undefined) {
    const discountPercent = line.listPrice > 0 ? roundMoney((1 - line.unitPrice / line.listPrice) * 100) : 0;
    return { listPrice: line.listPrice, unitPrice: line.unitPrice, discountPercent, campaignId: campaign?.id ?? null };
  }
  const discountPercent = campaign?.discountPercent ?? 0;
  return {
    listPrice: line.listPrice,
    unitPrice: roundMoney(line.listPrice * (1 - discountPercent / 100)),
    discountPercent,
    campaignId: campaign?.id ?? null,
  };
}
