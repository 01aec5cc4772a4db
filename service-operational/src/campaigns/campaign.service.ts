import { AppError, type Campaign, type CreateCampaign, type Page, type UpdateCampaign } from '@icc/shared';
import type { z } from 'zod';
import type { ListCampaignsQuerySchema } from '@icc/shared';
import type { Models } from '../db/models.js';
import { findPage } from '../db/pagination.js';
import { toCampaign, type CampaignRecord } from './campaign.model.js';

/** Promotions: a discount on some SKUs for a period. */
export function createCampaignService(models: Models, clock: () => Date = () => new Date()) {
  async function assertSkusExist(skus: string[]): Promise<void> {
    const unique = [...new Set(skus)];
    const found = await models.Product.find({ sku: { $in: unique } }, { sku: 1 }).lean();
    const missing = unique.filter((sku) => !found.some((p) => p.sku === sku));
    if (missing.length) throw new AppError('NOT_FOUND', `Products do not exist: ${missing.slice(0, 10).join(', ')}`);
  }

  return {
    async create(input: CreateCampaign): Promise<Campaign> {
      await assertSkusExist(input.skus);
      const created = await models.Campaign.create({ ...input, skus: [...new Set(input.skus)], status: 'planned' });
      return toCampaign(created.toObject(), clock());
    },

    async get(id: string): Promise<Campaign> {
      const campaign = await models.Campaign.findById(id).lean<CampaignRecord>();
      if (!campaign) throw new AppError('NOT_FOUND', `Campaign ${id} does not exist`);
      return toCampaign(campaign, clock());
    },

    list(query: z.infer<typeof ListCampaignsQuerySchema>): Promise<Page<Campaign>> {
      const now = clock();
      const filter: Record<string, unknown> = {};
      if (query.status) filter.status = query.status;
      if (query.sku) filter.skus = query.sku;
      // ANDed with the other filters (not merged over them): `status=cancelled&activeOnly=true` matches nothing.
      if (query.activeOnly) filter.$and = [{ status: 'planned' }, { startsAt: { $lte: now } }, { endsAt: { $gt: now } }];
      return findPage(models.Campaign, filter, query, (d) => toCampaign(d as CampaignRecord, now));
    },

    /** Campaigns running now, for pricing and the dashboard. */
    async active(): Promise<Campaign[]> {
      const now = clock();
      const rows = await models.Campaign.find({ status: 'planned', startsAt: { $lte: now }, endsAt: { $gt: now } })
        .sort({ startsAt: 1 })
        .limit(1_000)
        .lean<CampaignRecord[]>();
      return rows.map((row) => toCampaign(row, now));
    },

    async update(id: string, changes: UpdateCampaign): Promise<Campaign> {
      const current = await models.Campaign.findById(id).lean<CampaignRecord>();
      if (!current) throw new AppError('NOT_FOUND', `Campaign ${id} does not exist`);
      const startsAt = changes.startsAt ? new Date(changes.startsAt) : current.startsAt;
      const endsAt = changes.endsAt ? new Date(changes.endsAt) : current.endsAt;
      if (endsAt <= startsAt) {
        throw new AppError('INVALID_INPUT', 'Invalid body: endsAt: endsAt must be after startsAt', [
          { path: 'endsAt', message: 'endsAt must be after startsAt' },
        ]);
      }
      if (changes.skus) await assertSkusExist(changes.skus);
      const updated = await models.Campaign.findByIdAndUpdate(
        id,
        { $set: { ...changes, ...(changes.skus ? { skus: [...new Set(changes.skus)] } : {}) } },
        { returnDocument: 'after', runValidators: true },
      ).lean<CampaignRecord>();
      return toCampaign(updated!, clock());
    },
  };
}

export type CampaignService = ReturnType<typeof createCampaignService>;
