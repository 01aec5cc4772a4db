import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createApp, syncModels, type OperationalApp } from '@icc/service-operational';
import mongoose from 'mongoose';

export interface JourneyOperational {
  connection: mongoose.Connection;
  models: OperationalApp['models'];
  live: OperationalApp['live'];
  url: string;
  /** Stop the live hub and the HTTP server (the connection stays open: the journey drops its database). */
  close(): Promise<void>;
}

/** The operational service on its own database, over real HTTP on an ephemeral port, with Socket.IO attached. */
export async function startJourneyOperational(uri: string, dbName: string, options: { analyticsUrl?: string } = {}): Promise<JourneyOperational> {
  const connection = await mongoose.createConnection(uri, { dbName }).asPromise();
  const operational = createApp({ connection, ...options });
  await syncModels(operational.models);
  const server = operational.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  operational.live.attach(server);
  return {
    connection,
    models: operational.models,
    live: operational.live,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await operational.live.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
