import { createHttpServer, createLogger, operationalConfig, startDatabase, type Logger } from '@icc/shared';
import mongoose from 'mongoose';
import { createApp } from './app.js';
import { syncModels } from './db/models.js';
import { followAnalyticsOutbox } from './live/live.analytics-outbox.js';
import { followPurchaseOrderRequests } from './purchase-orders/purchase-order.requests.js';
import { followTransferRequests } from './stock/stock-transfer.requests.js';

/**
 * Start the operational service: config, database (through the connection
 * chain), indexes, HTTP. Resolves with the listening URL and a stop function.
 */
export async function startOperational(options: { databaseUri?: string; log?: Logger } = {}) {
  const config = operationalConfig.get();
  const log = options.log?.child({ name: 'operational' }) ?? createLogger({ name: 'operational', level: config.LOG_LEVEL });
  const database = options.databaseUri ? undefined : await startDatabase({ log });
  const connection = await mongoose.createConnection(options.databaseUri ?? database!.uri, { dbName: config.OPERATIONAL_DB }).asPromise();
  const { app, models, live, metrics } = createApp({ connection, log, analyticsUrl: config.ANALYTICS_URL });
  await syncModels(models);
  const server = createHttpServer(app, config).listen(config.OPERATIONAL_PORT, config.OPERATIONAL_HOST);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  live.attach(server);
  const analytics = connection.getClient().db(config.ANALYTICS_DB);
  const outbox = followAnalyticsOutbox({ analytics, live, log });
  // Accepted recommendations → purchase orders (read only on the analytics side; see purchase-order.requests.ts).
  const requests = followPurchaseOrderRequests({ analytics, models, live, log, pollMs: config.PO_REQUEST_POLL_MS, metrics });
  requests.start();
  // Accepted TRANSFER recommendations → stock transfers (read only on the analytics side; see stock-transfer.requests.ts).
  const transfers = followTransferRequests({ analytics, models, live, log, pollMs: config.PO_REQUEST_POLL_MS });
  transfers.start();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.OPERATIONAL_PORT;
  const url = `http://${config.OPERATIONAL_HOST}:${port}`;
  log.info({ url }, 'operational service listening');
  return {
    url,
    models,
    connection,
    async stop() {
      await requests.stop();
      await transfers.stop();
      await outbox.stop();
      await live.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.close();
      await database?.stop();
    },
  };
}
