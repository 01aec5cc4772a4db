import { z } from 'zod';

/**
 * Replenishment planning (seed 000's Planning service, in the project's
 * camelCase): reorder rules, tenant planning settings, planning runs,
 * recommendations, and the purchase-order requests an accepted recommendation
 * becomes. The analytics service owns all of them; the operational service
 * only reads `purchaseOrderRequests` and turns each into one purchase order.
 */

// ----- accept → purchase order (analytics writes, operational follows) -----

/** Collection in the analytics database the operational service follows (read only) to create purchase orders. */
export const PURCHASE_ORDER_REQUESTS_COLLECTION = 'purchaseOrderRequests';

/** `recorded` until the purchase order it asked for is seen through CDC (`completed`). */
export const PURCHASE_ORDER_REQUEST_STATUSES = ['recorded', 'completed'] as const;
export type PurchaseOrderRequestStatus = (typeof PURCHASE_ORDER_REQUEST_STATUSES)[number];

/**
 * One purchase order to create, recorded with the acceptance of one or more
 * recommendations (one supplier × location). Its `_id` is deterministic from
 * what was accepted, and the operational service keys the purchase order it
 * creates on it (`source: { type: 'recommendation', id: _id }`, unique per
 * tenant), so however often the request is read, at most one order exists.
 */
export const StoredPurchaseOrderRequestSchema = z.object({
  _id: z.string(),
  tenantId: z.string(),
  status: z.enum(PURCHASE_ORDER_REQUEST_STATUSES),
  supplierCode: z.string(),
  locationCode: z.string(),
  lines: z.array(z.object({ sku: z.string(), quantity: z.number().int().positive(), unitCost: z.number().nonnegative() })).min(1),
  expectedDate: z.date(),
  /** The recommendations this order fulfils. */
  recommendationIds: z.array(z.string()).min(1),
  /** Who accepted (the API key's name and id), for the order's notes and the audit. */
  requestedBy: z.object({ apiKeyId: z.string(), name: z.string() }),
  createdAt: z.date(),
  completedAt: z.date().nullable(),
  /** Filled in when the purchase order is seen through CDC. */
  purchaseOrderId: z.string().nullable(),
  poNumber: z.string().nullable(),
});
export type StoredPurchaseOrderRequest = z.infer<typeof StoredPurchaseOrderRequestSchema>;

// ----- stored planning documents (analytics database) -----

export const RECOMMENDATION_TYPES = ['REORDER', 'TRANSFER', 'EXCESS_STOCK'] as const;
export type RecommendationType = (typeof RECOMMENDATION_TYPES)[number];

/** PENDING → ACCEPTED → ORDERED, or REJECTED | EXPIRED | SUPERSEDED. Only PENDING can be accepted or rejected. */
export const RECOMMENDATION_STATUSES = ['PENDING', 'ACCEPTED', 'ORDERED', 'REJECTED', 'EXPIRED', 'SUPERSEDED'] as const;
export type RecommendationStatus = (typeof RECOMMENDATION_STATUSES)[number];

export const PLANNING_PRIORITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export type PlanningPriority = (typeof PLANNING_PRIORITIES)[number];

export const PLANNING_RUN_KINDS = ['SCHEDULED', 'MANUAL', 'TRIGGERED'] as const;
export type PlanningRunKind = (typeof PLANNING_RUN_KINDS)[number];

const Actor = z.object({ apiKeyId: z.string(), name: z.string() });

/**
 * One recommendation (collection `recommendations`). At most one PENDING per
 * tenant × SKU × location × type (a unique partial index): a newer run updates
 * it in place while its numbers hold, or supersedes it.
 */
export const StoredRecommendationSchema = z.object({
  _id: z.string(),
  tenantId: z.string(),
  type: z.enum(RECOMMENDATION_TYPES),
  status: z.enum(RECOMMENDATION_STATUSES),
  priority: z.enum(PLANNING_PRIORITIES),
  sku: z.string(),
  productName: z.string(),
  locationCode: z.string(),
  /** TRANSFER: where the stock comes from. */
  fromLocationCode: z.string().nullable(),
  currentPosition: z.number(),
  predictedDemand: z.object({ leadTime: z.number(), days7: z.number(), days14: z.number() }),
  quantity: z.number(),
  supplierCode: z.string().nullable(),
  supplierName: z.string().nullable(),
  supplierReason: z.string().nullable(),
  unitCost: z.number().nullable(),
  orderByDate: z.string().nullable(),
  expectedArrivalDate: z.string().nullable(),
  stockoutDate: z.string().nullable(),
  cost: z.number(),
  savingsPotential: z.number(),
  /** Probability of a stock-out before arrival if nothing is ordered. */
  confidence: z.number(),
  action: z.string(),
  reasoning: z.array(z.string()),
  /** The numbers behind it: reorder point, order-up-to, safety stock, lead time and its spread, service level, strategy. */
  policy: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
  runId: z.string(),
  expiresAt: z.date(),
  createdAt: z.date(),
  updatedAt: z.date(),
  /** Set on accept/reject. */
  actionedAt: z.date().nullable(),
  actionedBy: Actor.nullable(),
  rejectionReason: z.string().nullable(),
  /** Set on accept: what was asked for (after overrides) and the request recorded for it. */
  accepted: z.object({ quantity: z.number(), supplierCode: z.string(), purchaseOrderRequestId: z.string() }).nullable(),
  /** Set when the purchase order is seen through CDC. */
  purchaseOrder: z.object({ id: z.string(), poNumber: z.string() }).nullable(),
  supersededBy: z.string().nullable(),
});
export type StoredRecommendation = z.infer<typeof StoredRecommendationSchema>;
