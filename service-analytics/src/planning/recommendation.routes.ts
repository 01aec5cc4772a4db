import {
  AcceptRecommendationBodySchema,
  AcceptResponseSchema,
  BulkAcceptBodySchema,
  BULK_PURCHASE,
  BulkAcceptResponseSchema,
  ErrorResponseSchema,
  PurchasePlanAcceptBodySchema,
  PurchasePlanSchema,
  RecommendationListQuerySchema,
  RecommendationListSchema,
  RecommendationParamsSchema,
  RecommendationSchema,
  RejectRecommendationBodySchema,
  type StoredPurchaseOrderRequest,
  type StoredTransferRequest,
} from '@icc/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { actorOf } from './planning.routes.js';
import { acceptRecommendation, acceptRecommendations, rejectRecommendation } from './recommendation-actions.js';
import { findRecommendation, listRecommendations, toRecommendation } from './recommendations.store.js';
import { acceptPurchasePlan, purchasePlanPage } from './purchase-plans.js';
import { roleGuard } from '../http/auth.js';
import '../http/principal.js';

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 403: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema };

function toRequest(request: StoredPurchaseOrderRequest) {
  const { _id, tenantId, requestedBy, completedAt, expectedDate, createdAt, ...fields } = request;
  return { id: _id, ...fields, expectedDate: expectedDate.toISOString(), createdAt: createdAt.toISOString() };
}

function toTransferRequest(request: StoredTransferRequest) {
  const { _id, tenantId, requestedBy, completedAt, createdAt, ...fields } = request;
  return { id: _id, ...fields, createdAt: createdAt.toISOString() };
}

/**
 * Recommendations: read by every key; accepted (→ a purchase-order request
 * the operational service turns into one purchase order) or rejected by
 * purchasing and planners. Another tenant's recommendation answers 404 like
 * an unknown one, and nothing is written.
 *
 * @example await app.register(recommendationRoutes({ db: analyticsDb }))
 */
export function recommendationRoutes(deps: { db: Db; now?: () => Date }): FastifyPluginAsyncZod {
  const now = deps.now ?? (() => new Date());
  const actors = roleGuard(['purchasing', 'planner'], 'Acting on recommendations');
  return async (app) => {
    app.get(
      '/api/recommendations',
      {
        schema: {
          summary:
            'Recommendations, newest first, filtered by priority, type, status, SKU, location or supplier; a page at a time. type=BULK_PURCHASE: the pending reorders as one proposed purchase order per supplier × location (optionally within a budget)',
          tags: ['recommendations'],
          querystring: RecommendationListQuerySchema,
          response: { 200: z.union([RecommendationListSchema, PurchasePlanSchema]), ...errors },
        },
      },
      async (request) => {
        const { query, principal } = request;
        if (query.type === BULK_PURCHASE) return purchasePlanPage(deps.db, principal.tenantId, query);
        return listRecommendations(deps.db, principal.tenantId, { ...query, type: query.type });
      },
    );

    app.post(
      '/api/recommendations/purchase-plan/accept',
      {
        preValidation: actors.check,
        schema: {
          summary:
            'Accept the bulk purchase plan (all of it, or the named supplier × location orders): one purchase-order request per order, at the plan’s quantities',
          description: actors.description,
          tags: ['recommendations'],
          body: PurchasePlanAcceptBodySchema,
          response: { 200: BulkAcceptResponseSchema, ...errors },
        },
      },
      async (request) => {
        const { principal } = request;
        const outcome = await acceptPurchasePlan(deps.db, principal.tenantId, request.body, actorOf(principal), now());
        return {
          recommendations: outcome.recommendations.map(toRecommendation),
          purchaseOrderRequests: outcome.purchaseOrderRequests.map(toRequest),
          conflicts: outcome.conflicts,
        };
      },
    );

    app.get(
      '/api/recommendations/:id',
      {
        schema: {
          summary: 'One recommendation with its numbers and reasoning',
          tags: ['recommendations'],
          params: RecommendationParamsSchema,
          response: { 200: RecommendationSchema, ...errors },
        },
      },
      async (request) => toRecommendation(await findRecommendation(deps.db, request.principal.tenantId, request.params.id)),
    );

    app.post(
      '/api/recommendations/accept',
      {
        preValidation: actors.check,
        schema: {
          summary: 'Accept several pending recommendations: one purchase-order request per supplier × location',
          description: actors.description,
          tags: ['recommendations'],
          body: BulkAcceptBodySchema,
          response: { 200: BulkAcceptResponseSchema, ...errors },
        },
      },
      async (request) => {
        const { principal } = request;
        const outcome = await acceptRecommendations(deps.db, principal.tenantId, request.body.ids, actorOf(principal), now());
        return {
          recommendations: outcome.recommendations.map(toRecommendation),
          purchaseOrderRequests: outcome.purchaseOrderRequests.map(toRequest),
          conflicts: outcome.conflicts,
        };
      },
    );

    app.post(
      '/api/recommendations/:id/accept',
      {
        preValidation: actors.check,
        schema: {
          summary:
            'Accept a pending recommendation (optionally another quantity or supplier): records the purchase-order request a REORDER becomes, or the stock transfer a TRANSFER becomes',
          description: actors.description,
          tags: ['recommendations'],
          params: RecommendationParamsSchema,
          body: AcceptRecommendationBodySchema.nullish(),
          response: { 200: AcceptResponseSchema, ...errors },
        },
      },
      async (request) => {
        const { principal } = request;
        const outcome = await acceptRecommendation(deps.db, principal.tenantId, request.params.id, request.body ?? {}, actorOf(principal), now());
        return {
          recommendation: toRecommendation(outcome.recommendation),
          purchaseOrderRequest: outcome.purchaseOrderRequest && toRequest(outcome.purchaseOrderRequest),
          transferRequest: outcome.transferRequest && toTransferRequest(outcome.transferRequest),
        };
      },
    );

    app.post(
      '/api/recommendations/:id/reject',
      {
        preValidation: actors.check,
        schema: {
          summary: 'Reject a pending recommendation, with the reason',
          description: actors.description,
          tags: ['recommendations'],
          params: RecommendationParamsSchema,
          body: RejectRecommendationBodySchema,
          response: { 200: RecommendationSchema, ...errors },
        },
      },
      async (request) => {
        const { principal } = request;
        return toRecommendation(await rejectRecommendation(deps.db, principal.tenantId, request.params.id, request.body.reason, actorOf(principal), now()));
      },
    );
  };
}
