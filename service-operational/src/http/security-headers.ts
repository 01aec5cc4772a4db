import { AppError, isApiPath, MAX_URL_LENGTH, SECURITY_HEADER_OPTIONS } from '@icc/shared';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Headers on every response (helmet with the shared `SECURITY_HEADER_OPTIONS`: CSP, nosniff, no framing, no referrer, same-origin
 * opener and resource policies) and `Cache-Control: no-store` on the API, whose answers are
 * one tenant's data. Served over plain HTTP locally, so no upgrade-insecure-requests.
 */
export function securityHeaders(): RequestHandler[] {
  return [
    helmet(SECURITY_HEADER_OPTIONS),
    (req, res, next) => {
      if (isApiPath(req.path)) res.set('Cache-Control', 'no-store');
      next();
    },
  ];
}

/** `Cache-Control: no-store`, for answers that hold one tenant's data outside /api (the live sockets' polling). */
export const noStore: RequestHandler = (_req, res, next) => {
  // Node's own setHeader: Engine.IO hands its middlewares plain Node responses, not Express ones.
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/** Node only limits the URL together with the headers (431); past `MAX_URL_LENGTH` it is 414. */
export const rejectLongUrls: RequestHandler = (req, _res, next) => {
  if (req.originalUrl.length > MAX_URL_LENGTH) throw new AppError('URI_TOO_LONG', `The URL is longer than ${MAX_URL_LENGTH} characters`);
  next();
};
