import { CdcStatusSchema, ErrorResponseSchema, type CdcStatus } from '@icc/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from 'mongodb';
import type { Registry } from 'prom-client';
import { z } from 'zod';

/** Longest lag behind the source that still counts as ready. */
export const READY_MAX_LAG_SECONDS = 60;

/** Probes and metrics: public, no tenant data. */
export function platformRoutes(deps: { analytics: Db; registry: Registry; cdcStatus: () => CdcStatus | null }): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) }));

    app.get(
      '/ready',
      {
        schema: {
          summary: 'Database reachable and CDC streaming within the lag budget',
          tags: ['platform'],
          response: { 200: z.object({ status: z.literal('ready'), cdc: CdcStatusSchema.nullable() }), 503: ErrorResponseSchema },
        },
      },
      async (_request, reply) => {
        const cdc = deps.cdcStatus();
        try {
          await deps.analytics.command({ ping: 1 });
        } catch (error) {
          return reply.status(503).send({
            statusCode: 503,
            code: 'SERVICE_UNAVAILABLE',
            error: 'Service Unavailable',
            message: `Database not reachable: ${error instanceof Error ? error.message : String(error)}`,
          });
        }
        const lagging = cdc && (cdc.state !== 'streaming' || (cdc.lagSeconds ?? 0) > READY_MAX_LAG_SECONDS);
        if (lagging) {
          return reply.status(503).send({
            statusCode: 503,
            code: 'SERVICE_UNAVAILABLE',
            error: 'Service Unavailable',
            message: `CDC is ${cdc.state}${cdc.lagSeconds === null ? '' : `, ${Math.round(cdc.lagSeconds)} s behind`}`,
            details: cdc,
          });
        }
        return { status: 'ready' as const, cdc };
      },
    );

    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      return reply.type(deps.registry.contentType).send(await deps.registry.metrics());
    });
  };
}
