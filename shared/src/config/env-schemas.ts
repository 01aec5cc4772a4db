import { z } from 'zod';
import { createConfigLoader } from './env-loader.js';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);

export const MONGO_ENGINES = ['uri', 'memory-server', 'embedded'] as const;
export type MongoEngine = (typeof MONGO_ENGINES)[number];

/** Variables every process of the product reads. */
export const CommonEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** A real MongoDB replica set; when set, the connection chain uses it and nothing else. */
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  /** Force one engine of the connection chain instead of the first that works. */
  MONGO_ENGINE: z.enum(MONGO_ENGINES).optional(),
  /** How long mongodb-memory-server may take to start (download included) before the chain moves on. */
  MONGO_MEMORY_SERVER_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
});

/**
 * Request limits (one process's memory; see shared/src/limits). Per API key and a larger bucket per
 * tenant, as a steady rate per second plus a burst; failed authentications per client address per minute.
 */
export const rateLimitVariables = {
  RATE_LIMIT_KEY_PER_SECOND: z.coerce.number().int().positive().default(50),
  RATE_LIMIT_KEY_BURST: z.coerce.number().int().positive().default(100),
  RATE_LIMIT_TENANT_PER_SECOND: z.coerce.number().int().positive().default(100),
  RATE_LIMIT_TENANT_BURST: z.coerce.number().int().positive().default(200),
  RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().positive().default(20),
  RATE_LIMIT_TENANT_HEAVY_PER_SECOND: z.coerce.number().positive().default(2),
  RATE_LIMIT_TENANT_HEAVY_IN_FLIGHT: z.coerce.number().int().positive().default(1),
};
const milliseconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * Limits of each service's HTTP server, so idle or half-sent connections cannot pile up
 * (slowloris, slow bodies, silent sockets). `HTTP_HEADERS_TIMEOUT_MS` must not exceed
 * `HTTP_REQUEST_TIMEOUT_MS` (Node refuses that combination at start).
 */
export const HttpServerEnvSchema = z.object({
  /** The whole header section must arrive within this time, else 408 and close. */
  HTTP_HEADERS_TIMEOUT_MS: milliseconds(10_000),
  /** The whole request, body included, must arrive within this time, else 408 and close. */
  HTTP_REQUEST_TIMEOUT_MS: milliseconds(30_000),
  /** How long a kept-alive connection may wait for its next request. */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: milliseconds(5_000),
  /** A connection with no traffic either way for this long is closed (WebSocket pings every 25 s). */
  HTTP_IDLE_TIMEOUT_MS: milliseconds(60_000),
  /** Open connections one client address may hold; more are closed on arrival. */
  HTTP_MAX_CONNECTIONS_PER_CLIENT: z.coerce.number().int().positive().default(100),
  /** Request line plus headers, in bytes; more is answered 431. */
  HTTP_MAX_HEADER_BYTES: z.coerce.number().int().min(1_024).default(16_384),
});
export type HttpServerConfig = z.infer<typeof HttpServerEnvSchema>;

export const OperationalEnvSchema = CommonEnvSchema.extend({
  ...HttpServerEnvSchema.shape,
  OPERATIONAL_HOST: z.string().default('127.0.0.1'),
  OPERATIONAL_PORT: port(4000),
  OPERATIONAL_DB: z.string().min(1).default('icc_operational'),
  /** The analytics database, whose live outbox (forecast:updated …) the live hub publishes from (read only). */
  ANALYTICS_DB: z.string().min(1).default('icc_analytics'),
  /** The analytics service, for the dashboard's `/analytics/api/*` proxy (signed in by cookie). */
  ANALYTICS_URL: z.url().default('http://127.0.0.1:4100'),
  /** How often the analytics database's recorded purchase-order requests (accepted recommendations) are looked for. */
  PO_REQUEST_POLL_MS: milliseconds(1_000),
  ...rateLimitVariables,
});
export type OperationalConfig = z.infer<typeof OperationalEnvSchema>;

export const AnalyticsEnvSchema = CommonEnvSchema.extend({
  ...HttpServerEnvSchema.shape,
  ANALYTICS_HOST: z.string().default('127.0.0.1'),
  ANALYTICS_PORT: port(4100),
  ANALYTICS_DB: z.string().min(1).default('icc_analytics'),
  /** The operational database the change streams follow (read only). */
  OPERATIONAL_DB: z.string().min(1).default('icc_operational'),
  /** Worker threads that compute forecasts (0: in the main thread); default one per core. */
  FORECAST_THREADS: z.coerce.number().int().min(0).max(64).optional(),
  /**
   * What the standalone CDC consumer (service-analytics/src/bin/cdc-consumer.ts) feeds, for
   * benchmarks: the real `pipeline`, the pipeline with each step timed (`profiled`, printed when
   * stopping), or nothing (`noop`: the consumer's own ceiling).
   */
  CDC_SINK: z.enum(['pipeline', 'profiled', 'noop']).default('pipeline'),
  /** Most source changes per batch of the standalone CDC consumer. */
  CDC_BATCH_SIZE: z.coerce.number().int().positive().default(500),
  ...rateLimitVariables,
});
export type AnalyticsConfig = z.infer<typeof AnalyticsEnvSchema>;

/** `pnpm start`: everything in one process tree; quieter by default, as its own output is the point. */
export const StartEnvSchema = CommonEnvSchema.extend({
  LOG_LEVEL: CommonEnvSchema.shape.LOG_LEVEL.removeDefault().default('warn'),
  /** `off`: leave an empty database empty instead of importing two years of demo history. */
  DEMO_DATA: z.enum(['on', 'off']).default('on'),
  /** Where embedded-mongo (and memory-server's mongod) keep the data between starts; default `.icc/data` at the repository root. */
  ICC_DATA_DIR: z.string().min(1).optional(),
  /** Where the services' addresses and the demo key are written for local tools; default `.icc/local.json` at the repository root. */
  ICC_LOCAL_CONFIG: z.string().min(1).optional(),
  /** embedded-mongo's journal size that triggers a checkpoint, in MiB (a checkpoint writes the whole database). */
  ICC_CHECKPOINT_MB: z.coerce.number().int().positive().default(512),
});
export type StartConfig = z.infer<typeof StartEnvSchema>;

export const operationalConfig = createConfigLoader(OperationalEnvSchema);
export const analyticsConfig = createConfigLoader(AnalyticsEnvSchema);
export const startConfig = createConfigLoader(StartEnvSchema);
