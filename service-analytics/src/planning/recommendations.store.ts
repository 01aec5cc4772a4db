import {
  AppError,
  ObjectIdSchema,
  type Page,
  type Recommendation,
  type RecommendationListQuery,
  type RecommendationType,
  type StoredRecommendation,
} from '@icc/shared';
import type { Db, Filter } from 'mongodb';
import { PLANNING_COLLECTIONS } from './planning.collections.js';

/** The recommendations collection, typed. */
export const recommendationsOf = (db: Db) => db.collection<StoredRecommendation>(PLANNING_COLLECTIONS.recommendations);

/** A stored recommendation as the API shows it. */
export function toRecommendation(stored: StoredRecommendation): Recommendation {
  const { _id, tenantId, expiresAt, createdAt, updatedAt, actionedAt, transfer, ...fields } = stored;
  return {
    id: _id,
    ...fields,
    transfer: transfer ? { ...transfer, at: transfer.at?.toISOString() ?? null } : null,
    expiresAt: expiresAt.toISOString(),
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
    actionedAt: actionedAt?.toISOString() ?? null,
  };
}

/** One recommendation of the tenant; NOT_FOUND for an unknown id and for another tenant's alike. */
export async function findRecommendation(db: Db, tenantId: string, id: string): Promise<StoredRecommendation> {
  const stored = await recommendationsOf(db).findOne({ _id: id, tenantId });
  if (!stored) throw new AppError('NOT_FOUND', `No recommendation ${id}`);
  return stored;
}

/**
 * The tenant's recommendations, newest first, filtered, a page at a time
 * (at most 200: the query schema caps `limit`). The cursor is the last id
 * shown, so a page costs the same however deep.
 */
export async function listRecommendations(
  db: Db,
  tenantId: string,
  query: RecommendationListQuery & { type?: RecommendationType | undefined },
): Promise<Page<Recommendation>> {
  const filter: Filter<StoredRecommendation> = { tenantId };
  if (query.priority !== undefined) filter.priority = query.priority;
  if (query.type !== undefined) filter.type = query.type;
  if (query.status !== undefined) filter.status = query.status;
  if (query.sku !== undefined) filter.sku = query.sku;
  if (query.locationCode !== undefined) filter.locationCode = query.locationCode;
  if (query.supplierCode !== undefined) filter.supplierCode = query.supplierCode;
  if (query.cursor !== undefined) filter._id = { $lt: decodeCursor(query.cursor) };
  const rows = await recommendationsOf(db)
    .find(filter)
    .sort({ _id: -1 })
    .limit(query.limit + 1)
    .toArray();
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { items: page.map(toRecommendation), nextCursor: rows.length > query.limit && last ? Buffer.from(last._id).toString('base64url') : null };
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!ObjectIdSchema.safeParse(id).success) {
    throw new AppError('INVALID_INPUT', 'cursor: not a cursor from this list; use nextCursor from the previous page', [
      { path: 'cursor', message: 'invalid cursor' },
    ]);
  }
  return id;
}

/**
 * Why a recommendation that is not PENDING cannot be accepted or rejected:
 * a 409 that names its status and what to do instead.
 */
export function notActionable(stored: StoredRecommendation, verb: 'accept' | 'reject'): AppError {
  const because: Record<Exclude<StoredRecommendation['status'], 'PENDING'>, string> = {
    ACCEPTED: `it was already accepted${stored.actionedBy ? ` by ${stored.actionedBy.name}` : ''} (${
      stored.transfer
        ? `transfer request ${stored.transfer.requestId}`
        : `purchase-order request ${stored.accepted?.purchaseOrderRequestId ?? 'being recorded'}`
    })`,
    ORDERED: stored.transfer
      ? `it was already carried out: ${stored.transfer.quantity} units moved from ${stored.fromLocationCode ?? '?'} (transfer request ${stored.transfer.requestId})`
      : `it was already ordered: purchase order ${stored.purchaseOrder?.poNumber ?? '?'}`,
    FAILED: `it was accepted but could not be carried out: ${stored.transfer?.reason ?? 'see its transfer'}; run planning again for a current one`,
    REJECTED: `it was rejected${stored.actionedBy ? ` by ${stored.actionedBy.name}` : ''}: ${stored.rejectionReason ?? 'no reason given'}`,
    EXPIRED: `it expired at ${stored.expiresAt.toISOString()}; run planning again (POST /api/planning/runs) for a current one`,
    SUPERSEDED: `a newer planning run replaced it with recommendation ${stored.supersededBy ?? '?'}; act on that one`,
  };
  const status = stored.status as Exclude<StoredRecommendation['status'], 'PENDING'>;
  return new AppError('ILLEGAL_TRANSITION', `Cannot ${verb} recommendation ${stored._id}: ${because[status]}`, {
    status: stored.status,
    ...(stored.supersededBy ? { supersededBy: stored.supersededBy } : {}),
  });
}
