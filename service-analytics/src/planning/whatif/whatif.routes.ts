import { ErrorResponseSchema, WhatIfQuerySchema, WhatIfRequestBodySchema, WhatIfResultSchema } from '@icc/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from 'mongodb';
import { actorOf } from '../planning.routes.js';
import { runWhatIf } from './whatif.js';
import { roleGuard } from '../../http/auth.js';
import '../../http/principal.js';

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 403: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema };

/**
 * `POST /api/analysis/whatif`: the planner's scenarios (planning/whatif).
 * Planners and purchasing (and admin); it writes only with `?save=true`.
 *
 * @example await app.register(whatIfRoutes({ db: analyticsDb }))
 */
export function whatIfRoutes(deps: { db: Db; now?: () => Date }): FastifyPluginAsyncZod {
  const now = deps.now ?? (() => new Date());
  const analysts = roleGuard(['planner', 'purchasing'], 'What-if analysis');
  return async (app) => {
    app.post(
      '/api/analysis/whatif',
      {
        preValidation: analysts.check,
        schema: {
          summary: 'What a demand change, a campaign or a supplier delay would do to stock, stock-outs, cost and purchase orders, per product and in total',
          description: `${analysts.description} Nothing is written unless save=true, which stores the scenario with its inputs and answer.`,
          tags: ['planning'],
          querystring: WhatIfQuerySchema,
          body: WhatIfRequestBodySchema,
          response: { 200: WhatIfResultSchema, ...errors },
        },
      },
      async (request) =>
        runWhatIf(deps.db, request.principal.tenantId, request.body, { save: request.query.save === true, actor: actorOf(request.principal), now: now() }),
    );
  };
}
