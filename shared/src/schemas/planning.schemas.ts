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
