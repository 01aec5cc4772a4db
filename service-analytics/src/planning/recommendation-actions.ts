import { AppError, type AcceptRecommendationBody, type StoredPurchaseOrderRequest, type StoredRecommendation, type StoredTransferRequest } from '@icc/shared';
import type { Db } from 'mongodb';
import { announceRecommendations } from './planning-live.js';
import type { Actor } from './planning.types.js';
import { buildRequest, groupRequestId, linkId, purchaseOrderRequestsOf, recordRequest, singleRequestId, supplyOf } from './purchase-order-requests.js';
import { findRecommendation, notActionable, recommendationsOf } from './recommendations.store.js';
import { groupBy } from '../util/collections.js';
import { acceptTransfer, sweepAcceptedTransfersWithoutRequest } from './transfer-requests.js';

/**
 * Accepting and rejecting recommendations. Accept is two writes, in this order:
 * 1. a conditional update PENDING → ACCEPTED that records what was asked for
 *    and the id of the purchase-order request it becomes (only one of any
 *    number of concurrent accepts matches; the others get a 409 naming the
 *    status they found);
 * 2. the request, upserted under that deterministic id with `$setOnInsert`.
 * A crash between them leaves an ACCEPTED recommendation without its request;
 * the sweeper (`sweepAcceptedWithoutRequest`) writes it, under the same id. The
 * operational service keys its purchase order on the request id, so every
 * path ends with exactly one order per accepted recommendation.
 */

export interface AcceptOutcome {
  recommendation: StoredRecommendation;
  /** A REORDER's (null for a TRANSFER). */
  purchaseOrderRequest: StoredPurchaseOrderRequest | null;
  /** A TRANSFER's (null for a REORDER). */
  transferRequest: StoredTransferRequest | null;
}

/** A REORDER with a supplier can become a purchase order, a TRANSFER a stock transfer; anything else is refused before any write. */
function refuseUnorderable(stored: StoredRecommendation): void {
  if (stored.status !== 'PENDING') throw notActionable(stored, 'accept');
  if (stored.type === 'EXCESS_STOCK') {
    throw new AppError('CONFLICT', `Recommendation ${stored._id} is ${stored.type}: advice, not an order; reject it to dismiss it`, { type: stored.type });
  }
}

/**
 * Accept one recommendation, optionally with another quantity or supplier
 * (the supplier must sell the SKU, the quantity be at least its minimum).
 *
 * @example await acceptRecommendation(db, 'acme', id, { quantity: 240 }, actor, new Date())
 */
export async function acceptRecommendation(
  db: Db,
  tenantId: string,
  id: string,
  body: AcceptRecommendationBody,
  actor: Actor,
  now: Date,
): Promise<AcceptOutcome> {
  const stored = await findRecommendation(db, tenantId, id);
  refuseUnorderable(stored);
  if (stored.type === 'TRANSFER') return { ...(await acceptTransfer(db, stored, body, actor, now)), purchaseOrderRequest: null };
  const supplierCode = body.supplierCode ?? stored.supplierCode;
  if (supplierCode === null) {
    throw new AppError('INVALID_INPUT', `Recommendation ${id} names no supplier: choose one (supplierCode)`, [
      { path: 'supplierCode', message: 'required here' },
    ]);
  }
  const quantity = body.quantity ?? stored.quantity;
  const supply = await supplyOf(db, tenantId, [{ supplierCode, sku: stored.sku }]);
  const link = supply.links.get(linkId(tenantId, supplierCode, stored.sku));
  if (!link) {
    const message = `Supplier ${supplierCode} does not sell ${stored.sku}`;
    if (body.supplierCode !== undefined) throw new AppError('INVALID_INPUT', message, [{ path: 'supplierCode', message: `does not sell ${stored.sku}` }]);
    throw new AppError('CONFLICT', `${message} any more; accept with another supplierCode`, { supplierCode });
  }
  if (quantity < link.minimumOrderQuantity) {
    throw new AppError('INVALID_INPUT', `${supplierCode} sells ${stored.sku} from ${link.minimumOrderQuantity} units; asked for ${quantity}`, [
      { path: 'quantity', message: `at least ${link.minimumOrderQuantity} (the supplier's minimum order quantity)` },
    ]);
  }
  const requestId = singleRequestId(id);
  const accepted = await recommendationsOf(db).findOneAndUpdate(
    { _id: id, tenantId, status: 'PENDING' },
    {
      $set: { status: 'ACCEPTED', actionedAt: now, actionedBy: actor, accepted: { quantity, supplierCode, purchaseOrderRequestId: requestId }, updatedAt: now },
    },
    { returnDocument: 'after' },
  );
  if (!accepted) throw notActionable(await findRecommendation(db, tenantId, id), 'accept');
  const request = await recordRequest(db, buildRequest(requestId, [accepted], supply, actor, now));
  await announceRecommendations(db, [{ event: 'recommendation:updated', recommendation: accepted }], now);
  return { recommendation: accepted, purchaseOrderRequest: request, transferRequest: null };
}

/**
 * Accept several recommendations at once: one purchase-order request per
 * supplier × location. Every id must be the tenant's PENDING REORDER, else
 * nothing is written (404 / 409 naming them). Each is then claimed by the
 * same conditional update as a single accept (pointing at its own
 * single-accept request id), the winners of each group are re-pointed at the
 * group's id, and the group's request is recorded. A crash before the
 * re-pointing leaves single requests (the sweeper writes them): still exactly
 * one order per recommendation, just not grouped. `quantities` orders other
 * quantities than recommended (a purchase plan's, already checked against the
 * supplier's minimum and packs).
 */
export async function acceptRecommendations(
  db: Db,
  tenantId: string,
  ids: readonly string[],
  actor: Actor,
  now: Date,
  quantities: ReadonlyMap<string, number> = new Map(),
): Promise<{
  recommendations: StoredRecommendation[];
  purchaseOrderRequests: StoredPurchaseOrderRequest[];
  conflicts: { id: string; status: StoredRecommendation['status'] }[];
}> {
  const recommendations = recommendationsOf(db);
  const found = await recommendations.find({ _id: { $in: [...ids] }, tenantId }).toArray();
  const missing = ids.filter((id) => !found.some((rec) => rec._id === id));
  if (missing.length > 0)
    throw new AppError('NOT_FOUND', `No recommendation ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}`);
  const refused = found.filter((rec) => rec.status !== 'PENDING' || rec.type !== 'REORDER' || rec.supplierCode === null);
  if (refused.length > 0) {
    const named = refused.slice(0, 10).map((rec) => `${rec._id} (${rec.status === 'PENDING' ? rec.type : rec.status})`);
    throw new AppError('ILLEGAL_TRANSITION', `Only pending REORDER recommendations with a supplier can be accepted; not: ${named.join(', ')}`, {
      refused: refused.map((rec) => ({ id: rec._id, status: rec.status, type: rec.type })),
    });
  }

  const won: StoredRecommendation[] = [];
  const conflicts: { id: string; status: StoredRecommendation['status'] }[] = [];
  for (const rec of found) {
    const claimed = await recommendations.findOneAndUpdate(
      { _id: rec._id, tenantId, status: 'PENDING' },
      {
        $set: {
          status: 'ACCEPTED',
          actionedAt: now,
          actionedBy: actor,
          accepted: { quantity: quantities.get(rec._id) ?? rec.quantity, supplierCode: rec.supplierCode!, purchaseOrderRequestId: singleRequestId(rec._id) },
          updatedAt: now,
        },
      },
      { returnDocument: 'after' },
    );
    if (claimed) won.push(claimed);
    else conflicts.push({ id: rec._id, status: (await recommendations.findOne({ _id: rec._id }, { projection: { status: 1 } }))?.status ?? rec.status });
  }

  const supply = await supplyOf(
    db,
    tenantId,
    won.map((rec) => ({ supplierCode: rec.accepted!.supplierCode, sku: rec.sku })),
  );
  const requests: StoredPurchaseOrderRequest[] = [];
  for (const group of groupBy(won, (rec) => `${rec.accepted!.supplierCode}\u0000${rec.locationCode}`).values()) {
    const requestId = groupRequestId(group.map((rec) => rec._id));
    if (group.length > 1) {
      await recommendations.updateMany(
        { _id: { $in: group.map((rec) => rec._id) }, tenantId, status: 'ACCEPTED' },
        { $set: { 'accepted.purchaseOrderRequestId': requestId } },
      );
      for (const rec of group) rec.accepted!.purchaseOrderRequestId = requestId;
    }
    requests.push(await recordRequest(db, buildRequest(requestId, group, supply, actor, now)));
  }
  await announceRecommendations(
    db,
    won.map((recommendation) => ({ event: 'recommendation:updated' as const, recommendation })),
    now,
  );
  return { recommendations: won, purchaseOrderRequests: requests, conflicts };
}

/** Reject a PENDING recommendation with a reason (409 naming its status otherwise). */
export async function rejectRecommendation(db: Db, tenantId: string, id: string, reason: string, actor: Actor, now: Date): Promise<StoredRecommendation> {
  const stored = await findRecommendation(db, tenantId, id);
  if (stored.status !== 'PENDING') throw notActionable(stored, 'reject');
  const rejected = await recommendationsOf(db).findOneAndUpdate(
    { _id: id, tenantId, status: 'PENDING' },
    { $set: { status: 'REJECTED', actionedAt: now, actionedBy: actor, rejectionReason: reason, updatedAt: now } },
    { returnDocument: 'after' },
  );
  if (!rejected) throw notActionable(await findRecommendation(db, tenantId, id), 'reject');
  await announceRecommendations(db, [{ event: 'recommendation:updated', recommendation: rejected }], now);
  return rejected;
}

/** How long after an accept the sweeper waits before writing a missing request: far longer than the accept itself takes. */
export const SWEEP_GRACE_MS = 60_000;
/** Accepted recommendations one sweep looks at. */
const SWEEP_BATCH = 1_000;

/**
 * Write the request of every ACCEPTED recommendation (accepted more than
 * `graceMs` ago) whose request is missing — its accept crashed between its two
 * writes (TRANSFERs: their transfer request, see transfer-requests.ts). The request is rebuilt from the recommendations that name it, under
 * the id they name, with `$setOnInsert`: a request that exists is never
 * changed. Answers how many requests it wrote.
 *
 * @example await sweepAcceptedWithoutRequest(db, new Date())
 */
export async function sweepAcceptedWithoutRequest(db: Db, now: Date, graceMs = SWEEP_GRACE_MS): Promise<number> {
  const accepted = await recommendationsOf(db)
    .find({ status: 'ACCEPTED', type: 'REORDER', actionedAt: { $lt: new Date(now.getTime() - graceMs) } })
    .sort({ actionedAt: 1 })
    .limit(SWEEP_BATCH)
    .toArray();
  const transfers = await sweepAcceptedTransfersWithoutRequest(db, now, graceMs);
  const requestIds = [...new Set(accepted.map((rec) => rec.accepted!.purchaseOrderRequestId))];
  if (requestIds.length === 0) return transfers;
  const existing = new Set(
    (
      await purchaseOrderRequestsOf(db)
        .find({ _id: { $in: requestIds } }, { projection: { _id: 1 } })
        .toArray()
    ).map((r) => r._id),
  );
  let written = 0;
  const orphans = accepted.filter((rec) => !existing.has(rec.accepted!.purchaseOrderRequestId));
  for (const group of groupBy(orphans, (rec) => `${rec.tenantId}\u0000${rec.accepted!.purchaseOrderRequestId}`).values()) {
    const first = group[0]!;
    const supply = await supplyOf(
      db,
      first.tenantId,
      group.map((rec) => ({ supplierCode: rec.accepted!.supplierCode, sku: rec.sku })),
    );
    await recordRequest(db, buildRequest(first.accepted!.purchaseOrderRequestId, group, supply, first.actionedBy!, now));
    written += 1;
  }
  return written + transfers;
}
