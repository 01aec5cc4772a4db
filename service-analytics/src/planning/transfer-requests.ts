import {
  AppError,
  isDuplicateKeyError,
  TRANSFER_REQUESTS_COLLECTION,
  type AcceptRecommendationBody,
  type StoredRecommendation,
  type StoredTransferRequest,
} from '@icc/shared';
import type { Db } from 'mongodb';
import { FACT_COLLECTIONS } from '../facts/fact-collections.js';
import type { TransferExecutionMirrorDoc } from '../facts/transfer-execution-mirror.js';
import { groupBy } from '../util/collections.js';
import { announceRecommendations } from './planning-live.js';
import type { Actor } from './planning.types.js';
import { notActionable, recommendationsOf } from './recommendations.store.js';

/**
 * Accept a TRANSFER → the operational service moves the stock. Like a
 * purchase-order request (purchase-order-requests.ts), in two writes: a
 * conditional PENDING → ACCEPTED that records the request id
 * `xfer-<recommendationId>` and the quantity, then the request upserted under
 * that id with `$setOnInsert`. The operational service executes a request at
 * most once (its outcome, unique per tenant × request, commits with the ledger
 * rows) and CDC brings the outcome back (`transferExecutionsMirror`): `done`
 * → the recommendation ORDERED, `failed` (the source lacked the stock when it
 * ran) → FAILED with the reason; nothing is moved then, and the next planning
 * run decides afresh.
 */

/** The transfer requests collection, typed. */
export const transferRequestsOf = (db: Db) => db.collection<StoredTransferRequest>(TRANSFER_REQUESTS_COLLECTION);

/** Derived from the recommendation: a retried accept or the sweeper names the same request, and the operational side executes it once. */
export const transferRequestId = (recommendationId: string) => `xfer-${recommendationId}`;

/**
 * Accept a PENDING TRANSFER, optionally moving another (whole) quantity; a
 * supplier makes no sense for a transfer (400 naming the field).
 *
 * @example await acceptTransfer(db, stored, { quantity: 20 }, actor, new Date())
 */
export async function acceptTransfer(
  db: Db,
  stored: StoredRecommendation,
  body: AcceptRecommendationBody,
  actor: Actor,
  now: Date,
): Promise<{ recommendation: StoredRecommendation; transferRequest: StoredTransferRequest }> {
  if (body.supplierCode !== undefined) {
    throw new AppError('INVALID_INPUT', `Recommendation ${stored._id} is a TRANSFER from ${stored.fromLocationCode}: it has no supplier`, [
      { path: 'supplierCode', message: 'not allowed for a TRANSFER' },
    ]);
  }
  const quantity = body.quantity ?? stored.quantity;
  if (!Number.isInteger(quantity)) {
    throw new AppError('INVALID_INPUT', `A transfer moves whole units; asked for ${quantity}`, [{ path: 'quantity', message: 'a whole number of units' }]);
  }
  const requestId = transferRequestId(stored._id);
  const accepted = await recommendationsOf(db).findOneAndUpdate(
    { _id: stored._id, tenantId: stored.tenantId, status: 'PENDING', type: 'TRANSFER' },
    {
      $set: {
        status: 'ACCEPTED',
        actionedAt: now,
        actionedBy: actor,
        transfer: { requestId, quantity, outcome: null, reason: null, at: null },
        updatedAt: now,
      },
    },
    { returnDocument: 'after' },
  );
  if (!accepted) throw notActionable((await recommendationsOf(db).findOne({ _id: stored._id, tenantId: stored.tenantId })) ?? stored, 'accept');
  const request = await recordTransferRequest(db, buildTransferRequest(accepted, now));
  await announceRecommendations(db, [{ event: 'recommendation:updated', recommendation: accepted }], now);
  return { recommendation: accepted, transferRequest: request };
}

/** The request of an accepted TRANSFER (the accept and the sweeper build it here, alike). */
export function buildTransferRequest(accepted: StoredRecommendation, now: Date): StoredTransferRequest {
  return {
    _id: accepted.transfer!.requestId,
    tenantId: accepted.tenantId,
    status: 'recorded',
    sku: accepted.sku,
    fromLocationCode: accepted.fromLocationCode!,
    toLocationCode: accepted.locationCode,
    quantity: accepted.transfer!.quantity,
    recommendationId: accepted._id,
    requestedBy: accepted.actionedBy!,
    createdAt: now,
    completedAt: null,
    failureReason: null,
  };
}

/** Record a request once (`$setOnInsert`): a second write of the same id changes nothing; the stored one is answered. */
export async function recordTransferRequest(db: Db, request: StoredTransferRequest): Promise<StoredTransferRequest> {
  const { _id, ...fields } = request;
  const requests = transferRequestsOf(db);
  try {
    return (await requests.findOneAndUpdate({ _id }, { $setOnInsert: fields }, { upsert: true, returnDocument: 'after' })) ?? request;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return (await requests.findOne({ _id })) ?? request;
  }
}

/**
 * Write the request of every ACCEPTED TRANSFER accepted more than `graceMs`
 * ago whose request is missing (its accept crashed between its two writes).
 * Answers how many it wrote.
 *
 * @example await sweepAcceptedTransfersWithoutRequest(db, new Date(), 60_000)
 */
export async function sweepAcceptedTransfersWithoutRequest(db: Db, now: Date, graceMs: number): Promise<number> {
  const accepted = await recommendationsOf(db)
    .find({ status: 'ACCEPTED', type: 'TRANSFER', actionedAt: { $lt: new Date(now.getTime() - graceMs) } })
    .limit(1_000)
    .toArray();
  const withRequest = accepted.filter((rec) => rec.transfer);
  if (withRequest.length === 0) return 0;
  const existing = new Set(
    (
      await transferRequestsOf(db)
        .find({ _id: { $in: withRequest.map((rec) => rec.transfer!.requestId) } }, { projection: { _id: 1 } })
        .toArray()
    ).map((r) => r._id),
  );
  let written = 0;
  for (const rec of withRequest) {
    if (existing.has(rec.transfer!.requestId)) continue;
    await recordTransferRequest(db, buildTransferRequest(rec, now));
    written += 1;
  }
  return written;
}

/**
 * Close the loop of accepted transfers: for each `recorded` request whose
 * operational outcome has arrived in the mirror (same tenant), mark its
 * recommendation ORDERED (`done`) or FAILED (`failed`, with the reason), then
 * the request `completed` or `failed`. The recommendation first: a crash in
 * between leaves the request `recorded`, and the next round finishes it.
 * Answers how many requests it closed.
 *
 * @example await completeTransferRequests(db, new Date())
 */
export async function completeTransferRequests(db: Db, now: Date): Promise<number> {
  const requests = await transferRequestsOf(db).find({ status: 'recorded' }).sort({ createdAt: 1 }).limit(500).toArray();
  if (requests.length === 0) return 0;
  const outcomes = new Map<string, TransferExecutionMirrorDoc>();
  for (const [tenantId, ofTenant] of groupBy(requests, (r) => r.tenantId)) {
    const rows = await db
      .collection<TransferExecutionMirrorDoc>(FACT_COLLECTIONS.transferExecutionsMirror)
      .find({ _id: { $in: ofTenant.map((r) => `${tenantId}:${r._id}`) } })
      .toArray();
    for (const row of rows) outcomes.set(row._id, row);
  }
  let closed = 0;
  for (const request of requests) {
    const outcome = outcomes.get(`${request.tenantId}:${request._id}`);
    if (!outcome) continue;
    const done = outcome.outcome === 'done';
    const marked = await recommendationsOf(db).findOneAndUpdate(
      { _id: request.recommendationId, tenantId: request.tenantId, status: 'ACCEPTED' },
      {
        $set: {
          status: done ? 'ORDERED' : 'FAILED',
          'transfer.outcome': outcome.outcome,
          'transfer.reason': outcome.reason,
          'transfer.at': outcome.createdAt,
          updatedAt: now,
        },
      },
      { returnDocument: 'after' },
    );
    if (marked) await announceRecommendations(db, [{ event: 'recommendation:updated', recommendation: marked }], now);
    await transferRequestsOf(db).updateOne(
      { _id: request._id, status: 'recorded' },
      { $set: { status: done ? 'completed' : 'failed', completedAt: now, failureReason: outcome.reason } },
    );
    closed += 1;
  }
  return closed;
}
