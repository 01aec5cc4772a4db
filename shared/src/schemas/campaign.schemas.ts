import { z } from 'zod';
import {
  IsoDateTimeSchema,
  PageQuerySchema,
  QueryBooleanSchema,
  RecordMetaSchema,
  RequestDateTimeSchema,
  SkuSchema,
  lineSchema,
  pageSchema,
} from './common.schemas.js';

export const CAMPAIGN_STATUSES = ['planned', 'cancelled'] as const;

const campaignFields = {
  name: lineSchema(200),
  /** Discount off the list price, in percent (0 < d ≤ 90). */
  discountPercent: z.number().gt(0).max(90),
  startsAt: RequestDateTimeSchema,
  endsAt: RequestDateTimeSchema,
  skus: z.array(SkuSchema).min(1).max(5_000),
};

const endsAfterStart = (c: { startsAt?: string; endsAt?: string }) =>
  c.startsAt === undefined || c.endsAt === undefined || Date.parse(c.endsAt) > Date.parse(c.startsAt);

export const CreateCampaignSchema = z
  .object(campaignFields)
  .strict()
  .refine(endsAfterStart, { message: 'endsAt must be after startsAt', path: ['endsAt'] });
export type CreateCampaign = z.infer<typeof CreateCampaignSchema>;

export const UpdateCampaignSchema = z
  .object({ ...campaignFields, status: z.enum(CAMPAIGN_STATUSES) })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'give at least one field to change')
  .refine(endsAfterStart, { message: 'endsAt must be after startsAt', path: ['endsAt'] });
export type UpdateCampaign = z.infer<typeof UpdateCampaignSchema>;

export const CampaignSchema = RecordMetaSchema.extend({
  name: z.string(),
  discountPercent: z.number(),
  startsAt: IsoDateTimeSchema,
  endsAt: IsoDateTimeSchema,
  skus: z.array(z.string()),
  status: z.enum(CAMPAIGN_STATUSES),
  /** Planned and now within [startsAt, endsAt). */
  active: z.boolean(),
});
export type Campaign = z.infer<typeof CampaignSchema>;

export const ListCampaignsQuerySchema = PageQuerySchema.extend({
  sort: z.enum(['startsAt', 'name', 'createdAt']).default('startsAt'),
  status: z.enum(CAMPAIGN_STATUSES).optional(),
  sku: SkuSchema.optional(),
  activeOnly: QueryBooleanSchema.optional(),
}).strict();

export const CampaignPageSchema = pageSchema(CampaignSchema);
