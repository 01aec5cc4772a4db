import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createLogger, type Logger, type RateLimitSettings, type Role } from '@icc/shared';
import mongoose from 'mongoose';
import { inject } from 'vitest';
import { createApp } from '../../src/app.js';
import { registerModels, syncModels, type Models } from '../../src/db/models.js';
import type { LiveHub } from '../../src/live/live.types.js';
import { ensureTenant, issueApiKey } from '../../src/tenancy/api-key.service.js';
import type { LooseJson } from './loose-json.js';

export const TENANT = 'acme';
export const OTHER_TENANT = 'globex';

export interface ApiResponse<T = LooseJson> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  key?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestApp {
  baseUrl: string;
  models: Models;
  /** The Socket.IO hub, attached to the test server (path /socket.io). */
  live: LiveHub;
  /** One key per role in TENANT, plus `otherTenant` (admin of OTHER_TENANT). */
  keys: Record<Role | 'otherTenant', string>;
  request<T = LooseJson>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** Shorthand for requests as TENANT's admin. */
  as(key: string): {
    get<T = LooseJson>(path: string): Promise<ApiResponse<T>>;
    post<T = LooseJson>(path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
    put<T = LooseJson>(path: string, body?: unknown): Promise<ApiResponse<T>>;
    delete<T = LooseJson>(path: string): Promise<ApiResponse<T>>;
  };
  close(): Promise<void>;
}

const ROLES: Role[] = ['admin', 'warehouse', 'sales', 'purchasing', 'planner', 'service'];

/**
 * The operational app on its own database of the run's shared server, served
 * over real HTTP on an ephemeral port, with two tenants and a key per role.
 */
/** Limits far above what any test sends, so the access matrix and friends never meet a 429 (rate-limit tests set their own). */
export const GENEROUS_LIMITS: RateLimitSettings = {
  keyPerSecond: 100_000,
  keyBurst: 100_000,
  tenantPerSecond: 100_000,
  tenantBurst: 100_000,
  authFailuresPerMinute: 100_000,
  tenantHeavyPerSecond: 100_000,
  tenantHeavyInFlight: 100_000,
};

/** `log`: capture what the app logs; `clock`: move session and sign-in-code expiry (see sessions/). */
export async function startTestApp(options: { limits?: RateLimitSettings; log?: Logger; clock?: () => Date } = {}): Promise<TestApp> {
  const dbName = `op_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const connection = await mongoose.createConnection(inject('mongoUri'), { dbName }).asPromise();
  // TEST_LOG_LEVEL=error shows the server side of a failing test.
  const log = options.log ?? createLogger({ name: 'operational-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const { app, models, live } = createApp({ connection, log, limits: options.limits ?? GENEROUS_LIMITS, ...(options.clock ? { clock: options.clock } : {}) });
  await syncModels(models);
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  live.attach(server);
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  await ensureTenant(models, TENANT, 'Acme Trading');
  await ensureTenant(models, OTHER_TENANT, 'Globex');
  const keys = {} as TestApp['keys'];
  for (const role of ROLES) keys[role] = (await issueApiKey(models, TENANT, `${role} key`, [role])).key;
  keys.otherTenant = (await issueApiKey(models, OTHER_TENANT, 'globex admin', ['admin'])).key;

  async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers['x-api-key'] = options.key;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Non-JSON bodies (HTML docs, metrics) stay text.
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  return {
    baseUrl,
    models,
    live,
    keys,
    request,
    as: (key) => ({
      get: (path) => request('GET', path, { key }),
      post: (path, body, headers) => request('POST', path, { key, body, ...(headers ? { headers } : {}) }),
      put: (path, body) => request('PUT', path, { key, body }),
      delete: (path) => request('DELETE', path, { key }),
    }),
    async close() {
      await live.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.dropDatabase();
      await connection.close();
    },
  };
}

/** Registered models scoped to no request, for asserting on stored state. */
export { registerModels };
