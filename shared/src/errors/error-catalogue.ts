import { z } from 'zod';

/**
 * The closed set of error codes the product answers with, and the one place
 * that maps each code to its HTTP status. Both services translate an `AppError`
 * through this table, so a code means the same status everywhere.
 */
export const errorCatalogue = {
  INVALID_INPUT: { statusCode: 400, error: 'Bad Request' },
  UNAUTHORIZED: { statusCode: 401, error: 'Unauthorized' },
  FORBIDDEN: { statusCode: 403, error: 'Forbidden' },
  NOT_FOUND: { statusCode: 404, error: 'Not Found' },
  CONFLICT: { statusCode: 409, error: 'Conflict' },
  ILLEGAL_TRANSITION: { statusCode: 409, error: 'Conflict' },
  IDEMPOTENCY_IN_FLIGHT: { statusCode: 409, error: 'Conflict' },
  IDEMPOTENCY_MISMATCH: { statusCode: 422, error: 'Unprocessable Entity' },
  INSUFFICIENT_STOCK: { statusCode: 409, error: 'Conflict' },
  REQUEST_TIMEOUT: { statusCode: 408, error: 'Request Timeout' },
  PAYLOAD_TOO_LARGE: { statusCode: 413, error: 'Payload Too Large' },
  URI_TOO_LONG: { statusCode: 414, error: 'URI Too Long' },
  UNSUPPORTED_MEDIA_TYPE: { statusCode: 415, error: 'Unsupported Media Type' },
  RATE_LIMITED: { statusCode: 429, error: 'Too Many Requests' },
  HEADERS_TOO_LARGE: { statusCode: 431, error: 'Request Header Fields Too Large' },
  INTERNAL: { statusCode: 500, error: 'Internal Server Error' },
  SERVICE_UNAVAILABLE: { statusCode: 503, error: 'Service Unavailable' },
} as const satisfies Record<string, { statusCode: number; error: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export const ERROR_CODES = Object.keys(errorCatalogue) as ErrorCode[];

export const ErrorCodeSchema = z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]);

/** Is `value` one of the catalogue's codes? */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalogue, value);
}

/**
 * The one error-response shape both services answer with.
 *
 * @example
 *   { "statusCode": 400, "code": "INVALID_INPUT", "error": "Bad Request",
 *     "message": "quantity: must be greater than 0", "details": [{ "path": "quantity", "message": "..." }] }
 */
export const ErrorResponseSchema = z.object({
  statusCode: z.number().int().min(400).max(599),
  code: ErrorCodeSchema,
  error: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;
