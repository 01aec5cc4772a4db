import { Schema, type Connection } from 'mongoose';
import { CAMPAIGN_STATUSES, type Campaign, type StoredCampaign } from '@icc/shared';
import { tenantScopePlugin } from '../tenancy/tenant-scope.plugin.js';

const campaignSchema = new Schema<StoredCampaign>(
  {
    name: { type: String, required: true },
    discountPercent: { type: Number, required: true, min: 0, max: 90 },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    skus: { type: [String], required: true },
    status: { type: String, enum: CAMPAIGN_STATUSES, required: true, default: 'planned' },
  },
  { timestamps: true, versionKey: false },
);
campaignSchema.plugin(tenantScopePlugin);
campaignSchema.index({ tenantId: 1, startsAt: 1 });
campaignSchema.index({ tenantId: 1, skus: 1 });

/** A stored campaign: the shape is shared's (service-analytics reads the same documents). */
export type CampaignRecord = StoredCampaign;

export function campaignModel(connection: Connection) {
  return connection.model<Omit<CampaignRecord, '_id'>>('Campaign', campaignSchema, 'campaigns');
}

/** A campaign applies while planned and `now` is within [startsAt, endsAt). */
export function isCampaignActive(doc: Pick<CampaignRecord, 'status' | 'startsAt' | 'endsAt'>, now: Date): boolean {
  return doc.status === 'planned' && doc.startsAt <= now && now < doc.endsAt;
}

export function toCampaign(doc: CampaignRecord, now: Date): Campaign {
  return {
    id: String(doc._id),
    name: doc.name,
    discountPercent: doc.discountPercent,
    startsAt: doc.startsAt.toISOString(),
    endsAt: doc.endsAt.toISOString(),
    skus: [...doc.skus],
    status: doc.status,
    active: isCampaignActive(doc, now),
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}
