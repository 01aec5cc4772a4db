import { z } from 'zod';
import { StoredObjectIdSchema } from './stored-documents.schemas.js';

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

// ----- accept a TRANSFER → stock moves (analytics writes the request, operational follows and records the outcome) -----

/** Collection in the analytics database the operational service follows (read only) to move stock between locations. */
export const TRANSFER_REQUESTS_COLLECTION = 'transferRequests';

/** `recorded` until the operational outcome is seen through CDC: `completed` (moved) or `failed` (not moved, with the reason). */
export const TRANSFER_REQUEST_STATUSES = ['recorded', 'completed', 'failed'] as const;
export type TransferRequestStatus = (typeof TRANSFER_REQUEST_STATUSES)[number];

/**
 * One stock transfer to make, recorded with the acceptance of a TRANSFER
 * recommendation; `_id` = `xfer-<recommendationId>`. The operational service
 * executes it at most once: its outcome (`transferExecutions`, unique per
 * tenant × request) is written in the same transaction as the ledger rows.
 */
export const StoredTransferRequestSchema = z.object({
  _id: z.string(),
  tenantId: z.string(),
  status: z.enum(TRANSFER_REQUEST_STATUSES),
  sku: z.string(),
  fromLocationCode: z.string(),
  toLocationCode: z.string(),
  quantity: z.number().int().positive(),
  recommendationId: z.string(),
  requestedBy: z.object({ apiKeyId: z.string(), name: z.string() }),
  createdAt: z.date(),
  completedAt: z.date().nullable(),
  failureReason: z.string().nullable(),
});
export type StoredTransferRequest = z.infer<typeof StoredTransferRequestSchema>;

/** Operational collection of transfer outcomes (followed by analytics' CDC). */
export const TRANSFER_EXECUTIONS_COLLECTION = 'transferExecutions';
export const TRANSFER_OUTCOMES = ['done', 'failed'] as const;
export type TransferOutcome = (typeof TRANSFER_OUTCOMES)[number];

/**
 * What became of one transfer request, in the operational database (its only
 * writer is the operational service): `done` is inserted in the transaction
 * that moves the stock (ledger rows referencing `{ type: 'transferRequest', id:
 * requestId }`), `failed` when the source lacked the stock (or the SKU or a
 * location is unknown) at execution time, with the reason. Unique per tenant ×
 * request: a request has one outcome, and stock moves at most once.
 */
export const StoredTransferExecutionSchema = z.object({
  _id: StoredObjectIdSchema,
  tenantId: z.string(),
  requestId: z.string(),
  outcome: z.enum(TRANSFER_OUTCOMES),
  sku: z.string(),
  fromLocationCode: z.string(),
  toLocationCode: z.string(),
  quantity: z.number(),
  reason: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type StoredTransferExecution = z.infer<typeof StoredTransferExecutionSchema>;

// ----- stored planning documents (analytics database) -----

export const RECOMMENDATION_TYPES = ['REORDER', 'TRANSFER', 'EXCESS_STOCK'] as const;
export type RecommendationType = (typeof RECOMMENDATION_TYPES)[number];

/**
 * PENDING → ACCEPTED → ORDERED (a REORDER's purchase order, or a TRANSFER's
 * stock moved) | FAILED (a TRANSFER the source could not give when it ran:
 * nothing moved), or REJECTED | EXPIRED | SUPERSEDED. Only PENDING can be
 * accepted or rejected.
 */
export const RECOMMENDATION_STATUSES = ['PENDING', 'ACCEPTED', 'ORDERED', 'REJECTED', 'EXPIRED', 'SUPERSEDED', 'FAILED'] as const;
export type RecommendationStatus = (typeof RECOMMENDATION_STATUSES)[number];

export const PLANNING_PRIORITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export type PlanningPriority = (typeof PLANNING_PRIORITIES)[number];

export const PLANNING_RUN_KINDS = ['SCHEDULED', 'MANUAL', 'TRIGGERED'] as const;
export type PlanningRunKind = (typeof PLANNING_RUN_KINDS)[number];

const Actor = z.object({ apiKeyId: z.string(), name: z.string() });

export const StoredRecommendationTransferSchema = z.object({
  requestId: z.string(),
  quantity: z.number(),
  /** null until the operational outcome is seen. */
  outcome: z.enum(TRANSFER_OUTCOMES).nullable(),
  /** Why it failed (the source's stock when it ran). */
  reason: z.string().nullable(),
  at: z.date().nullable(),
});

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
  /** TRANSFER, set on accept: the request, the quantity asked for, and (once seen) what became of it. */
  transfer: StoredRecommendationTransferSchema.nullable().optional(),
});
export type StoredRecommendation = z.infer<typeof StoredRecommendationSchema>;
