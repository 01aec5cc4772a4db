import { AppError, authorize, presentedApiKey } from '@icc/shared';
import type { RequestHandler, Router } from 'express';
import express from 'express';
import type { Connection } from 'mongoose';
import type { Registry } from 'prom-client';
import type { Models } from '../db/models.js';
import { authenticate } from '../tenancy/api-key.service.js';

/**
 * Only an `admin` or `service` key (e.g. Prometheus' bearer token) reads the service's
 * activity: request counts per route, pool, process. Through the same key store as the API.
 */
function requireServiceKey(models: Models, action: string): RequestHandler {
  return async (req, _res, next) => {
    const principal = await authenticate(models, presentedApiKey({ 'x-api-key': req.get('x-api-key'), authorization: req.get('authorization') }));
    authorize(principal, ['service'], action);
    next();
  };
}

async function databaseReachable(connection: Connection): Promise<{ reachable: true } | { reachable: false; reason: string }> {
  try {
    await connection.db!.admin().ping();
    return { reachable: true };
  } catch (error) {
    return { reachable: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Probes answer without a key but say only a bare status: anything countable or timed
 * (uptime, request counts) would let anyone watch the service's activity. The details and
 * the metrics need an `admin` or `service` key.
 */
export function healthRouter(connection: Connection, registry: Registry, models: Models): Router {
  const router = express.Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/ready', async (_req, res) => {
    const database = await databaseReachable(connection);
    if (!database.reachable) throw new AppError('SERVICE_UNAVAILABLE', 'Not ready: unavailable', { status: 'unavailable' });
    res.json({ status: 'ready' });
  });
  router.get('/ready/details', requireServiceKey(models, 'GET /ready/details'), async (_req, res) => {
    const database = await databaseReachable(connection);
    if (!database.reachable) throw new AppError('SERVICE_UNAVAILABLE', `Database not reachable: ${database.reason}`, { status: 'unavailable' });
    res.json({ status: 'ready', database: 'reachable', uptimeSeconds: Math.round(process.uptime()) });
  });
  router.get('/metrics', requireServiceKey(models, 'GET /metrics'), async (_req, res) => {
    res.set('Content-Type', registry.contentType).send(await registry.metrics());
  });
  return router;
}
