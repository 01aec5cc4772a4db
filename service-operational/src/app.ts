import { createLogger, type Logger, type RateLimitSettings } from '@icc/shared';
import express, { type Express } from 'express';
import type { Connection } from 'mongoose';
import type { Registry } from 'prom-client';
import swaggerUi from 'swagger-ui-express';
import { campaignRoutes } from './campaigns/campaign.routes.js';
import { createCampaignService } from './campaigns/campaign.service.js';
import { customerRoutes } from './customers/customer.routes.js';
import { createCustomerService } from './customers/customer.service.js';
import { registerModels, type Models } from './db/models.js';
import { healthRouter } from './health/health.routes.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { createMetrics } from './http/metrics.js';
import { rejectLongUrls, securityHeaders } from './http/security-headers.js';
import { buildOpenApiDocument } from './http/openapi.js';
import { requestLogging } from './http/request-log.js';
import type { AnyRoute } from './http/route.js';
import { mountRoutes } from './http/route-runner.js';
import { dashboardRouter } from './live/live.dashboard.js';
import { createLiveHub } from './live/live.hub.js';
import { liveRoutes } from './live/live.routes.js';
import type { LiveHub } from './live/live.types.js';
import { locationRoutes } from './locations/location.routes.js';
import { createLocationService } from './locations/location.service.js';
import { salesOrderRoutes } from './orders/sales-order.routes.js';
import { createSalesOrderService } from './orders/sales-order.service.js';
import { productRoutes } from './products/product.routes.js';
import { purchaseOrderRoutes } from './purchase-orders/purchase-order.routes.js';
import { createPurchaseOrderService } from './purchase-orders/purchase-order.service.js';
import { createProductService } from './products/product.service.js';
import { analyticsProxy } from './sessions/analytics-proxy.js';
import { sessionRouter } from './sessions/session.routes.js';
import { configureSessions, type Clock } from './sessions/session.service.js';
import { stockRoutes } from './stock/stock.routes.js';
import { createStockService } from './stock/stock.service.js';
import { supplierRoutes } from './suppliers/supplier.routes.js';
import { createSupplierService } from './suppliers/supplier.service.js';

export interface OperationalApp {
  app: Express;
  models: Models;
  /** Socket.IO side; `attach` it to the HTTP server once listening. */
  live: LiveHub;
  routes: readonly AnyRoute[];
  openApi: ReturnType<typeof buildOpenApiDocument>;
  /** The Prometheus registry served at /metrics, for background work to add its own metrics to. */
  metrics: Registry;
}

/**
 * Build the operational service from its parts, without listening: tests drive
 * it over HTTP on an ephemeral port, main.ts listens for real.
 */
export function createApp(options: {
  connection: Connection;
  log?: Logger;
  limits?: RateLimitSettings;
  clock?: Clock;
  /** Where `/analytics/api/*` goes for the signed-in dashboard (e.g. http://127.0.0.1:4100); unset: 503. */
  analyticsUrl?: string;
}): OperationalApp {
  const log = options.log ?? createLogger({ name: 'operational', level: 'silent' });
  const models = registerModels(options.connection);
  const sessions = configureSessions(models, options.clock);
  const live = createLiveHub(models, { log });
  const stock = createStockService(models, live);
  const routes: AnyRoute[] = [
    ...productRoutes(createProductService(models), stock),
    ...stockRoutes(stock),
    ...supplierRoutes(createSupplierService(models)),
    ...customerRoutes(createCustomerService(models)),
    ...locationRoutes(createLocationService(models)),
    ...campaignRoutes(createCampaignService(models)),
    ...salesOrderRoutes(createSalesOrderService(models, live)),
    ...purchaseOrderRoutes(createPurchaseOrderService(models, live)),
    ...liveRoutes(live),
  ];
  const openApi = buildOpenApiDocument(routes, {
    title: 'Inventory Command Center — operational API',
    version: '0.1.0',
    description:
      'System of record: catalog, per-location stock and the movement ledger. Send an API key in X-API-Key. ' +
      'Browsers sign in at /signin instead (a session cookie; writes then need the header X-ICC-CSRF: 1). ' +
      'Reads accept any valid key; every other route lists the roles it admits (x-roles), admin always among them; a key without one gets 403.',
  });
  const metrics = createMetrics(options.connection);

  const app = express();
  app.disable('x-powered-by');
  app.use(requestLogging(log));
  app.use(metrics.middleware);
  app.use(rejectLongUrls, ...securityHeaders());
  app.use(express.json({ limit: '1mb' }));
  app.use(healthRouter(options.connection, metrics.registry, models));
  app.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(openApi as swaggerUi.JsonObject));
  app.use(dashboardRouter());
  app.use(sessionRouter(models, sessions));
  app.use(analyticsProxy(sessions, options.analyticsUrl));
  app.use(mountRoutes(models, routes, options.limits));
  app.use(notFoundHandler);
  app.use(errorHandler(log));
  return { app, models, live, routes, openApi, metrics: metrics.registry };
}
