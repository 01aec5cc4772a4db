import type { StoredPurchaseOrderRequest, StoredRecommendation } from '@icc/shared';
import type { Db } from 'mongodb';
import { announceRecommendations } from './planning-live.js';
import { FACT_COLLECTIONS } from '../facts/fact-collections.js';
import type { PurchaseOrderMirrorDoc } from '../facts/supply-mirror.js';
import { purchaseOrderRequestsOf } from './purchase-order-requests.js';
import { recommendationsOf } from './recommendations.store.js';
import { groupBy } from '../util/collections.js';

type PurchaseOrderSource = Pick<PurchaseOrderMirrorDoc, '_id' | 'tenantId' | 'poNumber' | 'source'>;

/** Requests one completion round looks at. */
const COMPLETION_BATCH = 500;
const EXPIRY_BATCH = 1_000;

/**
 * Close the loop of an accept: for each `recorded` request whose purchase
 * order has appeared in the purchase-order mirror (`source.id` = the request
 * id), mark its recommendations ORDERED with the order's id and number, then
 * the request `completed`. Recommendations first: a crash in between leaves
 * the request `recorded`, and the next round finishes it (the recommendations'
 * update then matches nothing). Answers how many requests it completed.
 *
 * @example await completeOrderedRequests(db, new Date())
 */
export async function completeOrderedRequests(db: Db, now: Date): Promise<number> {
  const requests = await purchaseOrderRequestsOf(db).find({ status: 'recorded' }).sort({ createdAt: 1 }).limit(COMPLETION_BATCH).toArray();
  if (requests.length === 0) return 0;
  const orderOf = new Map<string, PurchaseOrderSource>();
  // Per tenant: the order must be the same tenant's (a source id is unique per tenant on the operational side).
  for (const [tenantId, ofTenant] of groupBy(requests, (r) => r.tenantId)) {
    const orders = await db
      .collection<PurchaseOrderSource>(FACT_COLLECTIONS.purchaseOrdersMirror)
      .find(
        { tenantId, 'source.id': { $in: ofTenant.map((r) => r._id) }, 'source.type': 'recommendation' },
        { projection: { tenantId: 1, poNumber: 1, source: 1 } },
      )
      .toArray();
    for (const order of orders) orderOf.set(`${tenantId}\u0000${order.source.id}`, order);
  }
  let completed = 0;
  for (const request of requests) {
    const order = orderOf.get(`${request.tenantId}\u0000${request._id}`);
    if (!order) continue;
    await markOrdered(db, request, order, now);
    await purchaseOrderRequestsOf(db).updateOne(
      { _id: request._id, status: 'recorded' },
      { $set: { status: 'completed', completedAt: now, purchaseOrderId: String(order._id), poNumber: order.poNumber } },
    );
    completed += 1;
  }
  return completed;
}

async function markOrdered(db: Db, request: StoredPurchaseOrderRequest, order: PurchaseOrderSource, now: Date): Promise<void> {
  const recommendations = recommendationsOf(db);
  const filter = { _id: { $in: request.recommendationIds }, tenantId: request.tenantId, status: 'ACCEPTED' as const };
  const toMark = await recommendations.find(filter, { projection: { _id: 1 } }).toArray();
  if (toMark.length === 0) return;
  await recommendations.updateMany(
    { ...filter, _id: { $in: toMark.map((r) => r._id) } },
    { $set: { status: 'ORDERED', purchaseOrder: { id: String(order._id), poNumber: order.poNumber }, updatedAt: now } },
  );
  const ordered = await recommendations.find({ _id: { $in: toMark.map((r) => r._id) }, status: 'ORDERED' }).toArray();
  await announceRecommendations(
    db,
    ordered.map((recommendation) => ({ event: 'recommendation:updated' as const, recommendation })),
    now,
  );
}

/**
 * PENDING recommendations past their `expiresAt` become EXPIRED (they were
 * decided on stock and forecasts that are stale by now). Answers how many.
 *
 * @example await expireRecommendations(db, new Date())
 */
export async function expireRecommendations(db: Db, now: Date): Promise<number> {
  const recommendations = recommendationsOf(db);
  const due = await recommendations
    .find({ status: 'PENDING', expiresAt: { $lt: now } }, { projection: { _id: 1 } })
    .limit(EXPIRY_BATCH)
    .toArray();
  if (due.length === 0) return 0;
  const ids = due.map((r) => r._id);
  await recommendations.updateMany({ _id: { $in: ids }, status: 'PENDING', expiresAt: { $lt: now } }, { $set: { status: 'EXPIRED', updatedAt: now } });
  const expired: StoredRecommendation[] = await recommendations.find({ _id: { $in: ids }, status: 'EXPIRED', updatedAt: now }).toArray();
  await announceRecommendations(
    db,
    expired.map((recommendation) => ({ event: 'recommendation:updated' as const, recommendation })),
    now,
  );
  return expired.length;
}
