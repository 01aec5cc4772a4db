import type { Logger } from '../logging/logger.js';

/**
 * The logger background work writes to: the project's `Logger` (any pino
 * logger or child passes as is), narrowed to the levels it uses so a caller
 * that takes a log callback can bridge to it with `callbackLogger`.
 */
export type BackgroundLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

/** A `BackgroundLogger` that writes nothing: the default when a caller passes none. */
export const silentLogger: BackgroundLogger = { info: () => {}, warn: () => {}, error: () => {} };

export type BackgroundLogLevel = 'info' | 'warn' | 'error';

/**
 * A `BackgroundLogger` over a `(level, msg, fields)` callback, for callers
 * whose public options still take a callback rather than a `Logger`.
 *
 * @example
 *   const log = callbackLogger((level, msg, fields) => events.push({ level, msg, ...fields }));
 *   log.warn({ jobId }, 'job taken over by another runner');
 */
export function callbackLogger(write: (level: BackgroundLogLevel, msg: string, fields: Record<string, unknown>) => void): BackgroundLogger {
  const at =
    (level: BackgroundLogLevel) =>
    (fieldsOrMsg: unknown, msg?: string): void => {
      if (typeof fieldsOrMsg === 'string') write(level, fieldsOrMsg, {});
      else write(level, msg ?? '', { ...(fieldsOrMsg as Record<string, unknown> | undefined) });
    };
  return { info: at('info'), warn: at('warn'), error: at('error') };
}
