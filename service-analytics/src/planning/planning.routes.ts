import {
  ErrorResponseSchema,
  PlanningRunAcceptedSchema,
  PlanningRunListQuerySchema,
  PlanningRunListSchema,
  PlanningRunParamsSchema,
  PlanningRunRequestSchema,
  PlanningRunSchema,
  PlanningSettingsResponseSchema,
  PlanningSettingsSchema,
  ReorderRuleBodySchema,
  ReorderRuleSchema,
  RuleListQuerySchema,
  RuleListSchema,
  RuleLocationQuerySchema,
  RuleParamsSchema,
  type PlanningSettings,
} from '@icc/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { getPlanningRun, listPlanningRuns, requestPlanningRun } from './planning-runs.js';
import { planningSettingsOf, savePlanningSettings } from './planning-settings.js';
import { deleteReorderRule, listReorderRules, putReorderRule } from './reorder-rules.js';
import { roleGuard } from '../http/auth.js';
import '../http/principal.js';

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 403: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema };

export interface PlanningRouteDeps {
  db: Db;
  /** Wakes the planning worker when a run is queued (it polls otherwise). */
  onRunQueued?: () => void;
  now?: () => Date;
}

const settingsAnswer = (settings: PlanningSettings & { updatedAt: Date | null }) => ({ ...settings, updatedAt: settings.updatedAt?.toISOString() ?? null });

/**
 * Planning's configuration — the tenant's settings and the reorder rules per
 * SKU (optionally per location): every key reads, planners (and admins)
 * change — and its runs: queued by planners and purchasing, followed by every key.
 * Everything is scoped to the caller's tenant.
 *
 * @example await app.register(planningRoutes({ db: analyticsDb }))
 */
export function planningRoutes(deps: PlanningRouteDeps): FastifyPluginAsyncZod {
  const now = deps.now ?? (() => new Date());
  const planners = roleGuard(['planner'], 'Changing planning rules and settings');
  const runners = roleGuard(['planner', 'purchasing'], 'Starting a planning run');
  return async (app) => {
    app.post(
      '/api/planning/runs',
      {
        preValidation: runners.check,
        schema: {
          summary: 'Queue a MANUAL planning run (every stocked SKU × location, or the SKUs and locations named); answers its id at once',
          description: runners.description,
          tags: ['planning'],
          body: PlanningRunRequestSchema,
          response: { 202: PlanningRunAcceptedSchema, ...errors },
        },
      },
      async (request, reply) => {
        const run = await requestPlanningRun(deps.db, request.principal.tenantId, request.body, now());
        deps.onRunQueued?.();
        return reply.status(202).send({ runId: run._id, status: run.status, statusUrl: `/api/planning/runs/${run._id}` });
      },
    );

    app.get(
      '/api/planning/runs',
      {
        schema: {
          summary: "The tenant's planning runs, newest first, a page at a time",
          tags: ['planning'],
          querystring: PlanningRunListQuerySchema,
          response: { 200: PlanningRunListSchema, ...errors },
        },
      },
      async (request) => listPlanningRuns(deps.db, request.principal.tenantId, request.query),
    );

    app.get(
      '/api/planning/runs/:id',
      {
        schema: {
          summary: 'A planning run: kind, reason, progress, counts, duration and the inputs it decided from (forecast jobs and dates, stock as of)',
          tags: ['planning'],
          params: PlanningRunParamsSchema,
          response: { 200: PlanningRunSchema, ...errors },
        },
      },
      async (request) => getPlanningRun(deps.db, request.principal.tenantId, request.params.id),
    );

    app.get(
      '/api/planning/settings',
      {
        schema: {
          summary: "The tenant's planning settings: costs, default service levels per ABC class, review period, excess threshold, schedule",
          tags: ['planning'],
          response: { 200: PlanningSettingsResponseSchema, ...errors },
        },
      },
      async (request) => settingsAnswer(await planningSettingsOf(deps.db, request.principal.tenantId)),
    );

    app.put(
      '/api/planning/settings',
      {
        preValidation: planners.check,
        schema: {
          summary: "Replace the tenant's planning settings (all fields)",
          description: planners.description,
          tags: ['planning'],
          body: PlanningSettingsSchema,
          response: { 200: PlanningSettingsResponseSchema, ...errors },
        },
      },
      async (request) => {
        const { principal } = request;
        return settingsAnswer(await savePlanningSettings(deps.db, principal.tenantId, request.body, actorOf(principal), now()));
      },
    );

    app.get(
      '/api/planning/rules',
      {
        schema: {
          summary: "The tenant's reorder rules by SKU, a page at a time",
          tags: ['planning'],
          querystring: RuleListQuerySchema,
          response: { 200: RuleListSchema, ...errors },
        },
      },
      async (request) => listReorderRules(deps.db, request.principal.tenantId, request.query),
    );

    app.put(
      '/api/planning/rules/:sku',
      {
        preValidation: planners.check,
        schema: {
          summary: "Set a SKU's reorder rule, for every location or (with locationCode) one",
          description: planners.description,
          tags: ['planning'],
          params: RuleParamsSchema,
          querystring: RuleLocationQuerySchema,
          body: ReorderRuleBodySchema,
          response: { 200: ReorderRuleSchema, ...errors },
        },
      },
      async (request) => {
        const { principal } = request;
        return putReorderRule(deps.db, principal.tenantId, request.params.sku, request.query.locationCode ?? null, request.body, actorOf(principal), now());
      },
    );

    app.delete(
      '/api/planning/rules/:sku',
      {
        preValidation: planners.check,
        schema: {
          summary: "Remove a SKU's reorder rule (for every location, or with locationCode one); the default FORECAST_BASED applies again",
          description: planners.description,
          tags: ['planning'],
          params: RuleParamsSchema,
          querystring: RuleLocationQuerySchema,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await deleteReorderRule(deps.db, request.principal.tenantId, request.params.sku, request.query.locationCode ?? null);
        return reply.status(204).send(null);
      },
    );
  };
}

/** The API key as the actor of a change. */
export function actorOf(principal: { apiKeyId: string; keyName: string }) {
  return { apiKeyId: principal.apiKeyId, name: principal.keyName };
}
