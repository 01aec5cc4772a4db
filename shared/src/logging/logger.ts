import { randomUUID } from 'node:crypto';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** The header both services read and echo so one request can be followed across logs. */
export const REQUEST_ID_HEADER = 'x-request-id';

// Accept a caller's id only if it is short and printable: it ends up in logs.
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request id to use: the caller's `X-Request-Id` when it is sane, else a new UUID.
 *
 * @example requestIdFrom(req.headers['x-request-id'])
 */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && SAFE_REQUEST_ID.test(value) ? value : randomUUID();
}

/**
 * A JSON logger for one process. Secrets that may appear in logged objects
 * (API keys, authorization headers) are redacted.
 *
 * @example
 *   const log = createLogger({ name: 'operational', level: config.LOG_LEVEL });
 *   log.child({ requestId }).info({ route }, 'request completed');
 *
 * `destination`: where lines go instead of stdout (tests capture them to check what is logged).
 */
export function createLogger(
  options: { name: string; level?: LoggerOptions['level'] } & Omit<LoggerOptions, 'name' | 'level'>,
  destination?: DestinationStream,
): Logger {
  const { name, level = 'info', ...rest } = options;
  const settings: LoggerOptions = {
    name,
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'apiKey', '*.apiKey'],
      censor: '[redacted]',
    },
    ...rest,
  };
  return destination ? pino(settings, destination) : pino(settings);
}
