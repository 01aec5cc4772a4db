import {
  AppError,
  BULK_PURCHASE,
  MAX_PLAN_CANDIDATES,
  type PlanningPriority,
  type PurchasePlanAcceptBody,
  type PurchasePlanResponse,
  type RecommendationListQuery,
  type StoredRecommendation,
} from '@icc/shared';
import type { Db, Filter } from 'mongodb';
import { consolidatePurchasePlans, type DeferredLine, type PlanCandidate, type PurchasePlan } from './policy/purchase-plan.js';
import type { Actor } from './planning.types.js';
import { linkId, supplyOf } from './purchase-order-requests.js';
import { acceptRecommendations } from './recommendation-actions.js';
import { recommendationsOf } from './recommendations.store.js';

/**
 * The bulk purchase plan over the stored recommendations: the tenant's
 * PENDING REORDERs with a supplier (filtered like the list), re-checked
 * against the supplier links the analytics mirror holds today, consolidated by
 * `policy/purchase-plan.ts`; and accepting it through the same exactly-once
 * path as a bulk accept (one purchase-order request per supplier × location).
 */

export interface PlanFilters {
  priority?: PlanningPriority | undefined;
  sku?: string | undefined;
  locationCode?: string | undefined;
  supplierCode?: string | undefined;
  budget?: number | undefined;
}

const PRIORITY_ORDER: PlanningPriority[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];

/** Make the plan from what is pending now. */
export async function makePurchasePlan(db: Db, tenantId: string, filters: PlanFilters): Promise<PurchasePlan & { truncated: boolean }> {
  const filter: Filter<StoredRecommendation> = { tenantId, status: 'PENDING', type: 'REORDER', supplierCode: { $ne: null } };
  if (filters.priority !== undefined) filter.priority = filters.priority;
  if (filters.sku !== undefined) filter.sku = filters.sku;
  if (filters.locationCode !== undefined) filter.locationCode = filters.locationCode;
  if (filters.supplierCode !== undefined) filter.supplierCode = filters.supplierCode;
  // Most urgent first, so a plan cut at the cap keeps what matters most.
  const pending: StoredRecommendation[] = [];
  for (const priority of filters.priority === undefined ? PRIORITY_ORDER : [filters.priority]) {
    if (pending.length > MAX_PLAN_CANDIDATES) break;
    pending.push(
      ...(await recommendationsOf(db)
        .find({ ...filter, priority })
        .sort({ orderByDate: 1, _id: 1 })
        .limit(MAX_PLAN_CANDIDATES + 1 - pending.length)
        .toArray()),
    );
  }
  const truncated = pending.length > MAX_PLAN_CANDIDATES;
  const considered = pending.slice(0, MAX_PLAN_CANDIDATES);

  const supply = await supplyOf(
    db,
    tenantId,
    considered.map((rec) => ({ supplierCode: rec.supplierCode!, sku: rec.sku })),
  );
  const candidates: PlanCandidate[] = [];
  const unsold: DeferredLine[] = [];
  for (const rec of considered) {
    const supplierCode = rec.supplierCode!;
    const link = supply.links.get(linkId(tenantId, supplierCode, rec.sku));
    if (!link) {
      unsold.push({
        recommendationId: rec._id,
        sku: rec.sku,
        supplierCode,
        locationCode: rec.locationCode,
        priority: rec.priority,
        quantity: rec.quantity,
        cost: Math.round(rec.quantity * (rec.unitCost ?? 0) * 100) / 100,
        reason: `supplier ${supplierCode} no longer sells ${rec.sku}: accept it alone with another supplierCode, or run planning again`,
      });
      continue;
    }
    candidates.push({
      recommendationId: rec._id,
      sku: rec.sku,
      productName: rec.productName,
      supplierCode,
      supplierName: rec.supplierName,
      locationCode: rec.locationCode,
      priority: rec.priority,
      orderByDate: rec.orderByDate,
      quantity: rec.quantity,
      unitCost: link.unitCost,
      minimumOrderQuantity: link.minimumOrderQuantity,
      packSize: link.packSize,
    });
  }
  const plan = consolidatePurchasePlans(candidates, filters.budget ?? null);
  return { ...plan, deferred: [...unsold, ...plan.deferred], truncated };
}

/** The cursor of the plan list: base64url of how many plans the earlier pages showed. */
function planOffset(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const match = /^plans:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) {
    throw new AppError('INVALID_INPUT', 'cursor: not a cursor from this plan; use nextCursor from the previous page', [
      { path: 'cursor', message: 'invalid cursor' },
    ]);
  }
  return Number(match[1]);
}

/**
 * `GET /api/recommendations?type=BULK_PURCHASE`: a page of the plan's
 * supplier orders (`limit` of them), with the totals of the whole plan.
 */
export async function purchasePlanPage(db: Db, tenantId: string, query: RecommendationListQuery): Promise<PurchasePlanResponse> {
  const offset = planOffset(query.cursor);
  const plan = await makePurchasePlan(db, tenantId, query);
  const plans = plan.plans.slice(offset, offset + query.limit);
  const next = offset + plans.length;
  return {
    type: BULK_PURCHASE,
    plans,
    deferred: plan.deferred,
    totals: plan.totals,
    truncated: plan.truncated,
    nextCursor: next < plan.plans.length ? Buffer.from(`plans:${next}`).toString('base64url') : null,
  };
}

/**
 * Accept a purchase plan: made again from the same filters and budget (so what
 * is ordered is what the plan shows now), narrowed to the named supplier ×
 * location orders, and accepted at the plan's quantities — one purchase-order
 * request per order, exactly once, as a bulk accept.
 *
 * @example await acceptPurchasePlan(db, 'acme', { budget: 10_000 }, actor, new Date())
 */
export async function acceptPurchasePlan(db: Db, tenantId: string, body: PurchasePlanAcceptBody, actor: Actor, now: Date) {
  const plan = await makePurchasePlan(db, tenantId, body);
  const wanted = body.plans && new Set(body.plans.map((p) => `${p.supplierCode}\u0000${p.locationCode}`));
  const chosen = wanted ? plan.plans.filter((p) => wanted.has(`${p.supplierCode}\u0000${p.locationCode}`)) : plan.plans;
  if (wanted && chosen.length < wanted.size) {
    const found = new Set(chosen.map((p) => `${p.supplierCode}\u0000${p.locationCode}`));
    const missing = body.plans!.filter((p) => !found.has(`${p.supplierCode}\u0000${p.locationCode}`)).map((p) => `${p.supplierCode} × ${p.locationCode}`);
    throw new AppError('NOT_FOUND', `The plan has no order for ${missing.join(', ')}: nothing pending to order there (within the budget)`);
  }
  const lines = chosen.flatMap((p) => p.lines);
  if (lines.length === 0) throw new AppError('CONFLICT', 'The plan is empty: no pending reorder fits these filters and budget; nothing was ordered');
  const quantities = new Map(lines.map((line) => [line.recommendationId, line.quantity]));
  return acceptRecommendations(db, tenantId, [...quantities.keys()], actor, now, quantities);
}
