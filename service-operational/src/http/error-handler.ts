import { AppError, isDuplicateKeyError, toErrorResponse, type Logger } from '@icc/shared';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { redactedUrl } from './request-log.js';

/** Errors raised by express.json() before a route runs, as the client's mistake they are. */
function fromBodyParser(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  // The fields body-parser's errors (http-errors) carry; any other thrown object may have them too, or not.
  const { type, status, message } = error as { type?: unknown; status?: unknown; message?: unknown };
  const detail = typeof message === 'string' ? message : undefined;
  switch (type) {
    case 'entity.parse.failed':
      return new AppError('INVALID_INPUT', `Request body is not valid JSON: ${detail ?? ''}`.trim());
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE', 'Request body is larger than the 1 MB limit');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as UTF-8 JSON (Content-Type: application/json)');
    default:
      return typeof status === 'number' && status >= 400 && status < 500 ? new AppError('INVALID_INPUT', detail ?? 'Bad request') : undefined;
  }
}

/** A unique-index violation is a conflict with existing data, not a server fault. */
function fromMongo(error: unknown): AppError | undefined {
  if (isDuplicateKeyError(error)) {
    const fields = Object.entries((error.keyValue ?? {}) as Record<string, unknown>)
      .filter(([field]) => field !== 'tenantId')
      .map(([field, value]) => `${field} ${JSON.stringify(value)}`);
    return new AppError('CONFLICT', `Already exists: ${fields.join(', ') || 'duplicate key'}`);
  }
  return undefined;
}

/** The one place that turns any thrown value into the one error shape. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const known = error instanceof AppError ? error : (fromBodyParser(error) ?? fromMongo(error));
    const response = toErrorResponse(known ?? error);
    if (response.statusCode >= 500) {
      log.error({ err: error, requestId: res.locals.requestId, method: req.method, url: redactedUrl(req.originalUrl) }, 'request failed');
    }
    res.status(response.statusCode).json(response);
  };
}

export const notFoundHandler: RequestHandler = (req) => {
  throw new AppError('NOT_FOUND', `No route ${req.method} ${req.path}; see /docs for the API`);
};
