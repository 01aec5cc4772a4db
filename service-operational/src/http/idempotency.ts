import { createHash } from 'node:crypto';
import { AppError, isDuplicateKeyError } from '@icc/shared';
import type { Models } from '../db/models.js';

/** How long a key remembers its first response. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * An in-flight claim older than this was abandoned: its server stopped
 * before finishing (no request runs this long; a transaction is cut at 60 s).
 */
export const IN_FLIGHT_ABANDONED_MS = 10 * 60 * 1000;

const KEY_FORMAT = /^[A-Za-z0-9._:-]{1,200}$/;

export interface StoredResponse {
  statusCode: number;
  body: unknown;
}

function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${stableJson(body)}`)
    .digest('hex');
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` count as the same body. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export type IdempotencyClaim =
  { kind: 'replay'; response: StoredResponse } | { kind: 'claimed'; complete(response: StoredResponse): Promise<void>; release(): Promise<void> };

/**
 * Claim an `Idempotency-Key` for this request (tenant-scoped, like every query).
 * - first use: claimed; the caller runs the request and completes or releases it;
 * - same key, same request, finished: the stored first response, to replay;
 * - same key, different request: 422;  same key, first request still running: 409;
 *   its first request abandoned (claimed over 10 minutes ago, never finished:
 *   its server stopped): 409 saying so, since re-running could do it twice.
 * Only successful responses are stored: after a 4xx the key is released, so the
 * client can fix the problem and retry with the same key.
 */
export async function claimIdempotencyKey(models: Models, key: string, request: { method: string; path: string; body: unknown }): Promise<IdempotencyClaim> {
  if (!KEY_FORMAT.test(key)) {
    throw new AppError('INVALID_INPUT', 'Idempotency-Key: use 1–200 letters, digits, ".", "_", ":" or "-"', [
      { path: 'Idempotency-Key', message: 'invalid format' },
    ]);
  }
  const hash = requestHash(request.method, request.path, request.body);
  const { IdempotencyKey } = models;
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = new Date();
    try {
      const claimed = await IdempotencyKey.create({
        key,
        requestHash: hash,
        state: 'inFlight',
        expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
      });
      return {
        kind: 'claimed',
        complete: async (response) => {
          await IdempotencyKey.updateOne({ _id: claimed._id }, { $set: { state: 'done', response } });
        },
        release: async () => {
          await IdempotencyKey.deleteOne({ _id: claimed._id });
        },
      };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const existing = await IdempotencyKey.findOne({ key }).lean();
    if (!existing) continue; // released between our insert and read: try again
    if (existing.expiresAt <= now) {
      await IdempotencyKey.deleteOne({ _id: existing._id, expiresAt: existing.expiresAt });
      continue;
    }
    if (existing.requestHash !== hash) {
      throw new AppError('IDEMPOTENCY_MISMATCH', 'This Idempotency-Key was already used with a different request; use a new key for a new request');
    }
    if (existing.state === 'inFlight' || !existing.response) {
      // A claim expires a TTL after it was made.
      const claimedAt = new Date(existing.expiresAt.getTime() - IDEMPOTENCY_TTL_MS);
      if (now.getTime() - claimedAt.getTime() > IN_FLIGHT_ABANDONED_MS) {
        // Re-running it could do the work twice (it may have committed before its server stopped): the client decides.
        throw new AppError(
          'IDEMPOTENCY_IN_FLIGHT',
          `The first request with this Idempotency-Key (started ${claimedAt.toISOString()}) never finished: its server stopped. ` +
            'It may or may not have taken effect; check (e.g. list what it would have created), then use a new key for another attempt',
        );
      }
      throw new AppError('IDEMPOTENCY_IN_FLIGHT', 'A request with this Idempotency-Key is still being processed; retry shortly');
    }
    return { kind: 'replay', response: existing.response as StoredResponse };
  }
  throw new AppError('IDEMPOTENCY_IN_FLIGHT', 'This Idempotency-Key is contended; retry shortly');
}
