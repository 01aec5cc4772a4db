import {
  ActiveAlertsQuerySchema,
  AlertFalsePositiveBodySchema,
  AlertHistoryQuerySchema,
  AlertListSchema,
  AlertNoteBodySchema,
  AlertParamsSchema,
  AlertSchema,
  ErrorResponseSchema,
} from '@icc/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from 'mongodb';
import { roleGuard } from '../../http/auth.js';
import '../../http/principal.js';
import { actorOf } from '../planning.routes.js';
import { actOnAlert, listActiveAlerts, listAlertHistory, toAlert } from './alerts.store.js';

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 403: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema };

/**
 * Alerts: read by every key; acknowledged, resolved or marked a false
 * positive by purchasing and planners. Another tenant's alert answers 404
 * like an unknown one, and nothing is written.
 *
 * @example await app.register(alertRoutes({ db: analyticsDb }))
 */
export function alertRoutes(deps: { db: Db; now?: () => Date }): FastifyPluginAsyncZod {
  const now = deps.now ?? (() => new Date());
  const actors = roleGuard(['purchasing', 'planner'], 'Acting on alerts');
  return async (app) => {
    app.get(
      '/api/alerts/active',
      {
        schema: {
          summary: 'Open (ACTIVE or ACKNOWLEDGED) alerts, newest first, filtered by severity, type, SKU or location; a page at a time',
          tags: ['alerts'],
          querystring: ActiveAlertsQuerySchema,
          response: { 200: AlertListSchema, ...errors },
        },
      },
      async (request) => listActiveAlerts(deps.db, request.principal.tenantId, request.query),
    );

    app.get(
      '/api/alerts/history',
      {
        schema: {
          summary: 'Alerts created from `from` to `to` (UTC days, default the last 30), any status, newest first; a page at a time',
          tags: ['alerts'],
          querystring: AlertHistoryQuerySchema,
          response: { 200: AlertListSchema, ...errors },
        },
      },
      async (request) => listAlertHistory(deps.db, request.principal.tenantId, request.query, now()),
    );

    const routes = [
      { action: 'acknowledge', summary: 'Acknowledge an ACTIVE alert (optionally with a note)', body: AlertNoteBodySchema.nullish() },
      { action: 'resolve', summary: 'Resolve an open alert (optionally with a note)', body: AlertNoteBodySchema.nullish() },
      { action: 'false-positive', summary: 'Mark an open alert a false positive, with a note saying why', body: AlertFalsePositiveBodySchema },
    ] as const;
    for (const { action, summary, body } of routes) {
      app.post(
        `/api/alerts/:id/${action}`,
        {
          preValidation: actors.check,
          schema: { summary, description: actors.description, tags: ['alerts'], params: AlertParamsSchema, body, response: { 200: AlertSchema, ...errors } },
        },
        async (request) => {
          const { principal } = request;
          const actor = { kind: 'user' as const, ...actorOf(principal) };
          return toAlert(await actOnAlert(deps.db, principal.tenantId, request.params.id, action, { actor, note: request.body?.note }, now()));
        },
      );
    }
  };
}
