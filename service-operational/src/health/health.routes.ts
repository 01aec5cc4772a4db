import type { Router } from 'express';
import express from 'express';
import type { Connection } from 'mongoose';
import type { Registry } from 'prom-client';

/** Probes and metrics: public, outside the API key check, never tenant data. */
export function healthRouter(connection: Connection, registry: Registry): Router {
  const router = express.Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  router.get('/ready', async (_req, res) => {
    try {
      await connection.db!.admin().ping();
      res.json({ status: 'ready', database: 'reachable' });
    } catch (error) {
      res.status(503).json({
        statusCode: 503,
        code: 'SERVICE_UNAVAILABLE',
        error: 'Service Unavailable',
        message: `Database not reachable: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  });
  router.get('/metrics', async (_req, res) => {
    res.set('Content-Type', registry.contentType).send(await registry.metrics());
  });
  return router;
}
