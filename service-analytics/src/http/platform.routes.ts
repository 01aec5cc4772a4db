import { AppError, CdcStatusSchema, ErrorResponseSchema, type CdcStatus } from '@icc/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from 'mongodb';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { roleGuard } from './auth.js';

/** Longest lag behind the source that still counts as ready. */
export const READY_MAX_LAG_SECONDS = 60;

/** Why the service is not ready, in one word: a CDC state, `lagging`, or `unavailable` (no database). */
type Readiness = { status: 'ready'; cdc: CdcStatus | null } | { status: string; cdc: CdcStatus | null; message: string };

async function readiness(analytics: Db, cdc: CdcStatus | null): Promise<Readiness> {
  try {
    await analytics.command({ ping: 1 });
  } catch (error) {
    return { status: 'unavailable', cdc, message: `Database not reachable: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (cdc && cdc.state !== 'streaming') return { status: cdc.state, cdc, message: `CDC is ${cdc.state}${lagText(cdc)}` };
  if (cdc && (cdc.lagSeconds ?? 0) > READY_MAX_LAG_SECONDS) return { status: 'lagging', cdc, message: `CDC is lagging${lagText(cdc)}` };
  return { status: 'ready', cdc };
}

const lagText = (cdc: CdcStatus) => (cdc.lagSeconds === null ? '' : `, ${Math.round(cdc.lagSeconds)} s behind`);

/**
 * Probes answer without a key but say only a bare status: CDC lag, event counts or times
 * would let anyone watch the tenants' order rate. Details and metrics need an `admin` or
 * `service` key (Prometheus sends it as a bearer token).
 */
export function platformRoutes(deps: { analytics: Db; registry: Registry; cdcStatus: () => CdcStatus | null }): FastifyPluginAsyncZod {
  return async (app) => {
    const serviceOnly = roleGuard(['service'], 'read the service’s activity');

    app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' as const }));

    app.get(
      '/ready',
      {
        schema: {
          summary: 'Ready to answer: database reachable and CDC streaming within the lag budget (bare status, no key)',
          tags: ['platform'],
          response: { 200: z.object({ status: z.literal('ready') }), 503: ErrorResponseSchema },
        },
      },
      async () => {
        const ready = await readiness(deps.analytics, deps.cdcStatus());
        if (ready.status !== 'ready') throw new AppError('SERVICE_UNAVAILABLE', `Not ready: ${ready.status}`, { status: ready.status });
        return { status: 'ready' as const };
      },
    );

    app.get(
      '/ready/details',
      {
        preValidation: serviceOnly.check,
        schema: {
          summary: 'Readiness with the CDC consumer’s state, lag and counts',
          description: serviceOnly.description,
          tags: ['platform'],
          response: { 200: z.object({ status: z.literal('ready'), cdc: CdcStatusSchema.nullable() }), 503: ErrorResponseSchema },
        },
      },
      async () => {
        const ready = await readiness(deps.analytics, deps.cdcStatus());
        if ('message' in ready) throw new AppError('SERVICE_UNAVAILABLE', ready.message, ready.cdc ?? { status: ready.status });
        return { status: 'ready' as const, cdc: ready.cdc };
      },
    );

    app.get(
      '/metrics',
      { preValidation: serviceOnly.check, schema: { summary: 'Prometheus metrics (text format)', description: serviceOnly.description, tags: ['platform'] } },
      async (_request, reply) => {
        return reply.type(deps.registry.contentType).send(await deps.registry.metrics());
      },
    );
  };
}
