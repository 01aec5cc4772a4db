import {
  ANY_ROLE,
  CampaignPageSchema,
  CampaignSchema,
  CreateCampaignSchema,
  IdParamsSchema,
  ListCampaignsQuerySchema,
  UpdateCampaignSchema,
} from '@icc/shared';
import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../http/route.js';
import type { CampaignService } from './campaign.service.js';

const PLANNERS = ['planner'] as const;
const tag = 'campaigns';

export function campaignRoutes(campaigns: CampaignService): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/campaigns',
      tag,
      summary: 'List campaigns',
      roles: ANY_ROLE,
      query: ListCampaignsQuerySchema,
      response: CampaignPageSchema,
      handler: ({ query }) => campaigns.list(query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/campaigns/active',
      tag,
      summary: 'Campaigns running now',
      roles: ANY_ROLE,
      response: z.array(CampaignSchema),
      handler: () => campaigns.active(),
    }),
    defineRoute({
      method: 'post',
      path: '/api/campaigns',
      tag,
      summary: 'Create a campaign',
      status: 201,
      idempotent: true,
      roles: PLANNERS,
      body: CreateCampaignSchema,
      response: CampaignSchema,
      handler: ({ body }) => campaigns.create(body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/campaigns/:id',
      tag,
      summary: 'Get a campaign',
      roles: ANY_ROLE,
      params: IdParamsSchema,
      response: CampaignSchema,
      handler: ({ params }) => campaigns.get(params.id),
    }),
    defineRoute({
      method: 'put',
      path: '/api/campaigns/:id',
      tag,
      summary: 'Update or cancel a campaign',
      roles: PLANNERS,
      params: IdParamsSchema,
      body: UpdateCampaignSchema,
      response: CampaignSchema,
      handler: ({ params, body }) => campaigns.update(params.id, body),
    }),
  ];
}
