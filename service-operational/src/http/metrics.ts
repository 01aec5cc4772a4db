import type { RequestHandler } from 'express';
import type { Connection } from 'mongoose';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics for one app instance (its own registry, so tests can run
 * several apps in one process): request durations by route and status, and the
 * MongoDB driver's connection pool.
 */
export function createMetrics(connection: Connection): { registry: Registry; middleware: RequestHandler } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  const poolOpen = new Gauge({ name: 'mongo_pool_connections', help: 'Open driver connections', registers: [registry] });
  const poolInUse = new Gauge({ name: 'mongo_pool_checked_out', help: 'Driver connections in use', registers: [registry] });
  const poolWaits = new Counter({ name: 'mongo_pool_checkouts_total', help: 'Connection checkouts', registers: [registry] });

  const client = connection.getClient();
  client.on('connectionCreated', () => poolOpen.inc());
  client.on('connectionClosed', () => poolOpen.dec());
  client.on('connectionCheckedOut', () => {
    poolInUse.inc();
    poolWaits.inc();
  });
  client.on('connectionCheckedIn', () => poolInUse.dec());

  const middleware: RequestHandler = (req, res, next) => {
    const stop = requestDuration.startTimer({ method: req.method });
    res.on('finish', () => {
      // Label by the route template, never the raw URL: SKUs would explode the series count.
      stop({ route: (res.locals.routePath as string | undefined) ?? 'unmatched', status: String(res.statusCode) });
    });
    next();
  };

  return { registry, middleware };
}
