import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import {
  answerClientError,
  createHttpServer,
  createLogger,
  HttpServerEnvSchema,
  REQUEST_ID_HEADER,
  requestIdFrom,
  SESSION_HEADER,
  type CdcStatus,
  type HttpServerConfig,
  type Logger,
  type RateLimitSettings,
} from '@icc/shared';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from 'mongodb';
import { dashboardRoutes } from './dashboard/dashboard.routes.js';
import { analyticsRoutes } from './features/analytics.routes.js';
import { featureQueueDepth } from './features/feature-queue.js';
import { forecastRoutes } from './forecasts/forecast.routes.js';
import { createAuthenticator } from './http/auth.js';
import { answerFrameworkError, installErrorHandling } from './http/errors.js';
import type { AnalyticsFastify } from './http/fastify-types.js';
import { createAnalyticsMetrics } from './http/metrics.js';
import { platformRoutes } from './http/platform.routes.js';
import { installRateLimits } from './http/rate-limit.js';
import { installSecurityHeaders } from './http/security-headers.js';
import { planningRoutes } from './planning/planning.routes.js';
import { recommendationRoutes } from './planning/recommendation.routes.js';
import './http/principal.js';

export interface AnalyticsAppOptions {
  /** The analytics database (owned here). */
  analytics: Db;
  /** The operational database, read only for API keys. */
  operational: Db;
  /** The CDC consumer's state, when one runs in this process. */
  cdcStatus?: () => CdcStatus | null;
  /** Called when a training job is queued: wakes the forecast runner, when one runs in this process. */
  onJobQueued?: () => void;
  /** Called when a planning run is queued: wakes the planning worker, when one runs in this process. */
  onPlanningRunQueued?: () => void;
  /** Timeouts and connection limits of the HTTP server (defaults: those of the env schema). */
  server?: HttpServerConfig;
  log?: Logger;
  /** Request and failed-authentication limits; default: from the RATE_LIMIT_* environment variables. */
  limits?: RateLimitSettings;
}

/** Without a key: the bare probes (exactly these paths) and the API description. /metrics and /ready/details need one. */
const PUBLIC_PATHS = /^\/(?:(?:health|ready)(?:\?|$)|(?:openapi\.json|docs)(?:\/|$|\?))/;

/**
 * Build the analytics service from its parts, without listening: tests call
 * `app.inject()` or listen on an ephemeral port; server.ts listens for real.
 */
export async function createAnalyticsApp(options: AnalyticsAppOptions): Promise<AnalyticsFastify> {
  const log = options.log ?? createLogger({ name: 'analytics', level: 'silent' });
  const cdcStatus = options.cdcStatus ?? (() => null);
  const metrics = createAnalyticsMetrics(cdcStatus, () => featureQueueDepth(options.analytics));
  const authenticate = createAuthenticator(options.operational, options.limits);

  // Fastify infers its logger type parameter from `loggerInstance`: typed as Fastify's own logger
  // (which pino's Logger is), the app is an AnalyticsFastify rather than one typed with pino's extra generics.
  const loggerInstance: FastifyBaseLogger = log;
  const app = Fastify({
    loggerInstance,
    // Our own onResponse hook records request metrics; per-request log lines would only be noise.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req) => requestIdFrom(req.headers[REQUEST_ID_HEADER]),
    bodyLimit: 1_048_576,
    serverFactory: (handler) => createHttpServer(handler, options.server ?? HttpServerEnvSchema.parse({}), { answerClientErrors: false }),
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app, log);
  await installSecurityHeaders(app);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
    if (PUBLIC_PATHS.test(request.url)) return;
    const { 'x-api-key': apiKey, authorization, [SESSION_HEADER]: session } = request.headers;
    request.principal = await authenticate({ 'x-api-key': apiKey, authorization, [SESSION_HEADER]: session }, request.ip);
  });
  installRateLimits(app, options.limits);
  app.addHook('onResponse', async (request, reply) => {
    metrics.requestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Inventory Command Center — analytics API',
        version: '0.1.0',
        description:
          'Sales history, trends and seasonality from the CDC pipeline; stored, backtested forecasts and training jobs. Send an API key in X-API-Key.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ apiKey: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(platformRoutes({ analytics: options.analytics, registry: metrics.registry, cdcStatus }));
  await app.register(analyticsRoutes({ db: options.analytics }));
  await app.register(forecastRoutes({ db: options.analytics, ...(options.onJobQueued ? { onJobQueued: options.onJobQueued } : {}) }));
  await app.register(planningRoutes({ db: options.analytics, ...(options.onPlanningRunQueued ? { onRunQueued: options.onPlanningRunQueued } : {}) }));
  await app.register(recommendationRoutes({ db: options.analytics }));
  await app.register(dashboardRoutes({ db: options.analytics }));
  await app.ready();
  return app;
}
