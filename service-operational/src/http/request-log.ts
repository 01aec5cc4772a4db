import { performance } from 'node:perf_hooks';
import { REQUEST_ID_HEADER, requestIdFrom, type Logger } from '@icc/shared';
import type { RequestHandler, Response } from 'express';

/** Query parameters that carry secrets in some URLs: a one-time sign-in code, an old dashboard link's key. */
const SECRET_PARAMETERS = new Set(['code', 'key', 'apikey', 'api_key', 'token']);

function parameterName(pair: string): string {
  const name = pair.split('=', 1)[0] ?? '';
  try {
    return decodeURIComponent(name.replace(/\+/g, ' ')).trim().toLowerCase();
  } catch {
    return name.toLowerCase();
  }
}

/**
 * The URL as it may be logged: the values of secret-bearing query parameters replaced (names
 * compared as the query parser reads them: decoded, any case).
 *
 * @example redactedUrl('/signin?code=abc&x=1') // '/signin?code=[redacted]&x=1'
 */
export function redactedUrl(url: string): string {
  const question = url.indexOf('?');
  if (question < 0) return url;
  const pairs = url.slice(question + 1).split('&');
  const redacted = pairs.map((pair) => {
    const name = parameterName(pair).replace(/\[.*$/, '');
    return SECRET_PARAMETERS.has(name) ? `${pair.split('=', 1)[0]}=[redacted]` : pair;
  });
  return `${url.slice(0, question)}?${redacted.join('&')}`;
}

/** Server faults are errors, client mistakes worth a look, everything else only for debugging. */
function levelOf(res: Response): 'error' | 'info' | 'debug' {
  if (res.statusCode >= 500) return 'error';
  return res.statusCode >= 400 ? 'info' : 'debug';
}

/**
 * Give every request its id (the caller's `X-Request-Id` when it is sane, else
 * a new UUID), send it back, and log one line per response once it is over
 * (errors at error, 4xx at info, the rest at debug).
 * Hand-written rather than pino-http, which builds two child loggers and
 * serialises the request's headers for every request even when the level drops
 * the line: at the usual level a successful request now costs one listener.
 */
export function requestLogging(log: Logger): RequestHandler {
  return (req, res, next) => {
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    res.setHeader('X-Request-Id', requestId);
    res.locals.requestId = requestId;
    const started = performance.now();
    // 'close' comes after 'finish' for a response that was sent, and alone for one the client gave up on.
    res.once('close', () => {
      const level = levelOf(res);
      if (!log.isLevelEnabled(level)) return;
      log[level](
        {
          requestId,
          req: { method: req.method, url: redactedUrl(req.originalUrl), remoteAddress: req.socket.remoteAddress },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - started),
        },
        res.writableFinished ? 'request completed' : 'request aborted',
      );
    });
    next();
  };
}
