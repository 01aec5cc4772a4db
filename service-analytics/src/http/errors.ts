import { AppError, toErrorResponse, type ErrorCode, type Logger } from '@icc/shared';
import type { FastifyError, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { AnalyticsFastify } from './fastify-types.js';

/** Fastify's own client errors (bad JSON, too large, wrong content type) by status. */
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'INVALID_INPUT',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

function toAppError(error: FastifyError | AppError | Error): AppError | undefined {
  if (error instanceof AppError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'input';
    const details = error.validation.map((issue) => ({
      path: issue.instancePath.replace(/^\//, '').replaceAll('/', '.'),
      message: issue.message ?? 'invalid',
    }));
    const summary = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
    return new AppError('INVALID_INPUT', `Invalid ${where}: ${summary}`, details);
  }
  const status = (error as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) return new AppError(CODE_BY_STATUS[status] ?? 'INVALID_INPUT', error.message);
  return undefined;
}

/** The one place that turns any thrown value into the one error shape. */
export function installErrorHandling(app: AnalyticsFastify, log: Logger): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const known = toAppError(error);
    const response = toErrorResponse(known ?? error);
    if (response.statusCode >= 500) log.error({ err: error, requestId: request.id, url: request.url }, 'request failed');
    void reply.status(response.statusCode).send(response);
  });
  app.setNotFoundHandler((request, reply) => {
    const response = new AppError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}; see /docs for the API`).toResponse();
    void reply.status(404).send(response);
  });
}

/**
 * Fastify's `frameworkErrors` option: errors it answers before any hook or the error handler
 * (a URL that does not decode, a failing route constraint), in the one shape too.
 */
export function answerFrameworkError(error: FastifyError, _request: unknown, reply: FastifyReply): void {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  void reply.status(status).send(new AppError(CODE_BY_STATUS[status] ?? 'INVALID_INPUT', error.message).toResponse());
}
