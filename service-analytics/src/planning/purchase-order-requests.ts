import { createHash } from 'node:crypto';
import { addUtcDays, isDuplicateKeyError, parseDayKey, utcDayKey, type DayKey, type StoredPurchaseOrderRequest, type StoredRecommendation } from '@icc/shared';
import type { Db } from 'mongodb';
import { PLANNING_COLLECTIONS } from './planning.collections.js';
import { FACT_COLLECTIONS } from '../facts/fact-collections.js';
import type { ProductSupplierMirrorDoc, SupplierMirrorDoc } from '../facts/supply-mirror.js';
import type { Actor } from './planning.types.js';

/** The purchase-order requests collection, typed. */
export const purchaseOrderRequestsOf = (db: Db) => db.collection<StoredPurchaseOrderRequest>(PLANNING_COLLECTIONS.purchaseOrderRequests);

/** What planning reads of a product–supplier link and of a supplier. */
export type SupplierLink = ProductSupplierMirrorDoc;
export type SupplierRow = SupplierMirrorDoc;

export const linkId = (tenantId: string, supplierCode: string, sku: string) => `${tenantId}:${supplierCode}:${sku}`;

/**
 * The request id of a single acceptance: derived from the recommendation, so
 * a retried accept, or the sweeper after a crash, names the same request and
 * the operational service (which keys its purchase order on it) makes one order.
 */
export const singleRequestId = (recommendationId: string) => `rec-${recommendationId}`;

/** The request id of a bulk acceptance's supplier × location group: a hash of the sorted recommendation ids it won. */
export function groupRequestId(recommendationIds: readonly string[]): string {
  if (recommendationIds.length === 1) return singleRequestId(recommendationIds[0]!);
  const digest = createHash('sha256')
    .update([...recommendationIds].sort().join(','))
    .digest('hex');
  return `bulk-${digest.slice(0, 32)}`;
}

/** The links and suppliers of some accepted recommendations, read once. */
export async function supplyOf(db: Db, tenantId: string, pairs: readonly { supplierCode: string; sku: string }[]) {
  const linkIds = [...new Set(pairs.map((p) => linkId(tenantId, p.supplierCode, p.sku)))];
  const supplierIds = [...new Set(pairs.map((p) => `${tenantId}:${p.supplierCode}`))];
  const [links, suppliers] = await Promise.all([
    db
      .collection<SupplierLink>(FACT_COLLECTIONS.productSuppliersMirror)
      .find({ _id: { $in: linkIds } })
      .toArray(),
    db
      .collection<SupplierRow>(FACT_COLLECTIONS.suppliersMirror)
      .find({ _id: { $in: supplierIds } })
      .toArray(),
  ]);
  return { links: new Map(links.map((l) => [l._id, l])), suppliers: new Map(suppliers.map((s) => [s.code, s])) };
}

/** Arrival assumed when neither the recommendation nor the supplier says anything. */
const DEFAULT_ARRIVAL_DAYS = 7;

/**
 * When an order placed on `today` for one accepted recommendation arrives:
 * from the recommended supplier, after the lead time the recommendation was
 * decided with (`policy.leadTimeDays`: the quote corrected by the supplier's
 * measured delay), so the order's expected date is the recommendation's
 * `expectedArrivalDate` when accepted on the day it was decided, and as many
 * days later as the accept came later. From another supplier (an override),
 * after that link's quoted lead time (else the supplier's default); the
 * recommendation's own arrival date when nothing is known.
 *
 * @example arrivalOf(rec, 'SUP-A', link, supplier, '2026-03-10') // '2026-03-19' for an effective lead time of 8.4 d
 */
export function arrivalOf(
  rec: StoredRecommendation,
  supplierCode: string,
  link: SupplierLink | undefined,
  supplier: SupplierRow | undefined,
  today: DayKey,
): DayKey {
  const effective = rec.policy['leadTimeDays'];
  if (supplierCode === rec.supplierCode && typeof effective === 'number') return addUtcDays(today, Math.ceil(effective));
  const quoted = link?.leadTimeDays ?? supplier?.defaultLeadTimeDays;
  if (quoted !== undefined) return addUtcDays(today, Math.ceil(quoted));
  return rec.expectedArrivalDate ?? addUtcDays(today, DEFAULT_ARRIVAL_DAYS);
}

/**
 * The request for accepted recommendations of one supplier × location: one
 * line per recommendation at the link's unit cost (the recommendation's when
 * the link is gone), expected on the latest of its lines' arrivals
 * ({@link arrivalOf}: the effective lead time the recommendation showed). The
 * accept and the sweeper both build it here, so a request re-created after a
 * crash asks for the same order.
 */
export function buildRequest(
  id: string,
  accepted: readonly StoredRecommendation[],
  supply: Awaited<ReturnType<typeof supplyOf>>,
  requestedBy: Actor,
  now: Date,
): StoredPurchaseOrderRequest {
  const first = accepted[0]!;
  const supplierCode = first.accepted!.supplierCode;
  const tenantId = first.tenantId;
  const today = utcDayKey(now);
  const arrivals: DayKey[] = [];
  const lines = accepted.map((rec) => {
    const link = supply.links.get(linkId(tenantId, supplierCode, rec.sku));
    arrivals.push(arrivalOf(rec, supplierCode, link, supply.suppliers.get(supplierCode), today));
    return { sku: rec.sku, quantity: rec.accepted!.quantity, unitCost: link?.unitCost ?? rec.unitCost ?? 0 };
  });
  const arrival = arrivals.reduce((latest, day) => (day > latest ? day : latest));
  return {
    _id: id,
    tenantId,
    status: 'recorded',
    supplierCode,
    locationCode: first.locationCode,
    lines,
    expectedDate: parseDayKey(arrival),
    recommendationIds: accepted.map((rec) => rec._id),
    requestedBy,
    createdAt: now,
    completedAt: null,
    purchaseOrderId: null,
    poNumber: null,
  };
}

/**
 * Record a request once: an upsert that only inserts (`$setOnInsert`), so a
 * second write of the same id — a retry, the sweeper — changes nothing. The
 * stored request is answered (the first writer's).
 */
export async function recordRequest(db: Db, request: StoredPurchaseOrderRequest): Promise<StoredPurchaseOrderRequest> {
  const { _id, ...fields } = request;
  const requests = purchaseOrderRequestsOf(db);
  try {
    const stored = await requests.findOneAndUpdate({ _id }, { $setOnInsert: fields }, { upsert: true, returnDocument: 'after' });
    return stored ?? request;
  } catch (error) {
    // Two upserts of one new id at once: one inserts, the other may collide on `_id`; the first's request stands.
    if (!isDuplicateKeyError(error)) throw error;
    return (await requests.findOne({ _id })) ?? request;
  }
}
