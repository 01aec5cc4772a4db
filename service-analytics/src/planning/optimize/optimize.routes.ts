import { ErrorResponseSchema, OptimizationRunSchema, OptimizeRunAcceptedSchema, OptimizeRunParamsSchema, OptimizeRunRequestSchema } from '@icc/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from 'mongodb';
import { actorOf } from '../planning.routes.js';
import { applyOptimizationRun, getOptimizationRun, requestOptimizationRun, toOptimizationRun } from './optimize-runs.js';
import { roleGuard } from '../../http/auth.js';
import '../../http/principal.js';

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 403: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema };

/**
 * Optimisation runs (planning/optimize): queued by planners and purchasing,
 * read by every key of the tenant, applied (their levels written as reorder
 * rules) by planners only, once. Another tenant's run answers 404 like an unknown one.
 *
 * @example await app.register(optimizeRoutes({ db: analyticsDb, onRunQueued: () => worker.notify() }))
 */
export function optimizeRoutes(deps: { db: Db; onRunQueued?: () => void; now?: () => Date }): FastifyPluginAsyncZod {
  const now = deps.now ?? (() => new Date());
  const runners = roleGuard(['planner', 'purchasing'], 'Running an optimisation');
  const appliers = roleGuard(['planner'], 'Applying an optimisation');
  return async (app) => {
    app.post(
      '/api/optimize/run',
      {
        preValidation: runners.check,
        schema: {
          summary:
            'Queue an optimisation run (STOCK_LEVELS within a budget and storage capacity, REORDER_POINTS recomputed, or SUPPLIER_MIX); answers its id at once',
          description: runners.description,
          tags: ['planning'],
          body: OptimizeRunRequestSchema,
          response: { 202: OptimizeRunAcceptedSchema, ...errors },
        },
      },
      async (request, reply) => {
        const run = await requestOptimizationRun(deps.db, request.principal.tenantId, request.body, actorOf(request.principal), now());
        deps.onRunQueued?.();
        return reply.status(202).send({ runId: run._id, status: run.status, statusUrl: `/api/optimize/results/${run._id}` });
      },
    );

    app.get(
      '/api/optimize/results/:runId',
      {
        schema: {
          summary: 'An optimisation run: status, inputs, per-item results against today’s levels, totals, and whether it was applied',
          tags: ['planning'],
          params: OptimizeRunParamsSchema,
          response: { 200: OptimizationRunSchema, ...errors },
        },
      },
      async (request) => toOptimizationRun(await getOptimizationRun(deps.db, request.principal.tenantId, request.params.runId)),
    );

    app.post(
      '/api/optimize/results/:runId/apply',
      {
        preValidation: appliers.check,
        schema: {
          summary: "Write a completed run's levels as reorder rules (once: a second apply is 409)",
          description: appliers.description,
          tags: ['planning'],
          params: OptimizeRunParamsSchema,
          response: { 200: OptimizationRunSchema, ...errors },
        },
      },
      async (request) =>
        toOptimizationRun(await applyOptimizationRun(deps.db, request.principal.tenantId, request.params.runId, actorOf(request.principal), now())),
    );
  };
}
