import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError, invalidInput, toErrorResponse } from './app-error.js';
import { ERROR_CODES, ErrorResponseSchema, errorCatalogue, type ErrorCode } from './error-catalogue.js';

describe('AppError', () => {
  it('maps each code to its HTTP status in the one response shape', () => {
    const response = new AppError('INSUFFICIENT_STOCK', 'SKU-1 has 3 available, 5 requested', { available: 3 }).toResponse();
    expect(response).toEqual({
      statusCode: 409,
      code: 'INSUFFICIENT_STOCK',
      error: 'Conflict',
      message: 'SKU-1 has 3 available, 5 requested',
      details: { available: 3 },
    });
    expect(new AppError('NOT_FOUND', 'x').statusCode).toBe(404);
    expect(new AppError('IDEMPOTENCY_MISMATCH', 'x').statusCode).toBe(422);
    expect(new AppError('UNAUTHORIZED', 'x').statusCode).toBe(401);
  });

  it('omits details when there are none', () => {
    expect(Object.keys(new AppError('FORBIDDEN', 'needs admin').toResponse())).toEqual(['statusCode', 'code', 'error', 'message']);
  });

  it('refuses an unknown error code', () => {
    expect(() => new AppError('TEAPOT' as ErrorCode, 'short and stout')).toThrow(/Unknown error code: TEAPOT/);
  });

  it('gives every catalogue code a 4xx or 5xx status that the response schema accepts', () => {
    for (const code of ERROR_CODES) {
      const response = new AppError(code, 'm').toResponse();
      expect(ErrorResponseSchema.parse(response)).toEqual(response);
      expect(response.statusCode).toBe(errorCatalogue[code].statusCode);
    }
  });
});

describe('invalidInput', () => {
  it('names every failing field path', () => {
    const Body = z.object({ sku: z.string(), lines: z.array(z.object({ quantity: z.number().positive() })) }).strict();
    const parsed = Body.safeParse({ lines: [{ quantity: 1 }, { quantity: -2 }], extra: true });
    if (parsed.success) throw new Error('expected a failure');
    const error = invalidInput(parsed.error, 'body');
    expect(error.statusCode).toBe(400);
    const paths = (error.details as Array<{ path: string }>).map((d) => d.path).sort();
    expect(paths).toEqual(['extra', 'lines.1.quantity', 'sku']);
    expect(error.message).toMatch(/^Invalid body: /);
    expect(error.message).toContain('lines.1.quantity');
  });
});

describe('toErrorResponse', () => {
  it('hides the message of an unexpected error behind a 500', () => {
    const response = toErrorResponse(new Error('connection string mongodb://secret'));
    expect(response).toEqual({
      statusCode: 500,
      code: 'INTERNAL',
      error: 'Internal Server Error',
      message: 'An unexpected error occurred; it has been logged.',
    });
  });

  it('turns a zod error into INVALID_INPUT', () => {
    const result = z.object({ n: z.number() }).safeParse({ n: 'x' });
    if (result.success) throw new Error('expected a failure');
    expect(toErrorResponse(result.error)).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT', details: [{ path: 'n' }] });
  });
});
