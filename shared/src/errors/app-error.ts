import { ZodError, type z } from 'zod';
import { errorCatalogue, isErrorCode, type ErrorCode, type ErrorResponse } from './error-catalogue.js';

/** One failing field of a request, as reported in `details` of an INVALID_INPUT error. */
export interface FieldIssue {
  /** Dotted path of the field, e.g. `lines.0.quantity`; empty for the whole value. */
  path: string;
  message: string;
}

/**
 * The only error domain code throws. The code picks the HTTP status (see
 * `errorCatalogue`); the message is for a person and says what to change.
 *
 * @example
 *   throw new AppError('INSUFFICIENT_STOCK', 'SKU-1 at WH-1 has 3 available, 5 requested', { available: 3 });
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    // The code set is closed: a typo in JavaScript callers or data must not
    // silently become a 500 with an unknown code.
    if (!isErrorCode(code)) throw new TypeError(`Unknown error code: ${String(code)}`);
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  get statusCode(): number {
    return errorCatalogue[this.code].statusCode;
  }

  toResponse(): ErrorResponse {
    const { statusCode, error } = errorCatalogue[this.code];
    return {
      statusCode,
      code: this.code,
      error,
      message: this.message,
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

/** Field issues of a zod error, with dotted paths. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    // A strict object reports all unknown keys as one issue on the object; name each key instead.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...path, key].join('.'), message: 'unknown field; remove it' }));
    }
    return [{ path: path.join('.'), message: issue.message }];
  });
}

/**
 * An INVALID_INPUT error from a zod failure, naming every field that failed.
 *
 * @example
 *   const parsed = Schema.safeParse(body);
 *   if (!parsed.success) throw invalidInput(parsed.error, 'body');
 */
export function invalidInput(error: z.ZodError, where = 'input'): AppError {
  const issues = fieldIssues(error);
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  return new AppError('INVALID_INPUT', `Invalid ${where}: ${summary}`, issues);
}

/**
 * Any thrown value as the one error-response shape. Unknown errors become a
 * 500 with a generic message: internals are logged, never sent to clients.
 */
export function toErrorResponse(err: unknown): ErrorResponse {
  if (err instanceof AppError) return err.toResponse();
  if (err instanceof ZodError) return invalidInput(err).toResponse();
  return new AppError('INTERNAL', 'An unexpected error occurred; it has been logged.').toResponse();
}
