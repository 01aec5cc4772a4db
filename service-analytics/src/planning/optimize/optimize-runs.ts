import { randomBytes } from 'node:crypto';
import {
  AppError,
  utcDayKey,
  type DayKey,
  type LeasedJobDocument,
  type OptimizationItem,
  type OptimizationRun,
  type OptimizeRunRequest,
  type ReorderRuleBody,
} from '@icc/shared';
import type { Db } from 'mongodb';
import { FACT_COLLECTIONS } from '../../facts/fact-collections.js';
import type { ProductMirrorDoc } from '../../facts/reference-mirror.js';
import { PLANNING_COLLECTIONS } from '../planning.collections.js';
import type { Actor, ReorderRuleDocument } from '../planning.types.js';
import { putReorderRule, ruleId } from '../reorder-rules.js';

/** One optimisation run: a leased job with its inputs, progress, per-item results and whether it was applied. */
export interface OptimizationRunDocument extends LeasedJobDocument {
  _id: string;
  tenantId: string;
  optimizationType: OptimizationRun['optimizationType'];
  parameters: {
    constraints: { budget: number | null; storageCapacity: number | null; perLocation: Record<string, number> | null };
    skus: string[] | null;
    locationCodes: string[] | null;
  };
  inputs: { today: DayKey | null; forecastIds: number };
  progress: { total: number; done: number };
  method: string | null;
  items: OptimizationItem[];
  skipped: { sku: string; locationCode: string; reason: string }[];
  totals: OptimizationRun['totals'];
  constraints: OptimizationRun['constraints'];
  applied: { at: Date; by: Actor; rulesWritten: number } | null;
  requestedBy: Actor;
}

export const optimizationRunsOf = (db: Db) => db.collection<OptimizationRunDocument>(PLANNING_COLLECTIONS.optimizationRuns);

/**
 * `POST /api/optimize/run`: queue a run. SKUs it names must be in the
 * tenant's catalog (another tenant's are refused like unknown ones), before
 * anything is written.
 */
export async function requestOptimizationRun(db: Db, tenantId: string, request: OptimizeRunRequest, actor: Actor, now: Date): Promise<OptimizationRunDocument> {
  const skus = request.skus ? [...new Set(request.skus)].sort() : null;
  if (skus) {
    const found = await db
      .collection<ProductMirrorDoc>(FACT_COLLECTIONS.productsMirror)
      .find({ _id: { $in: skus.map((sku) => `${tenantId}:${sku}`) } }, { projection: { sku: 1 } })
      .toArray();
    const known = new Set(found.map((p) => p.sku));
    const unknown = skus.filter((sku) => !known.has(sku));
    if (unknown.length > 0) {
      const named = unknown.slice(0, 10).join(', ');
      throw new AppError('INVALID_INPUT', `Unknown SKU${unknown.length > 1 ? 's' : ''}: ${named} (not in the catalog)`, [
        { path: 'skus', message: `unknown: ${named}` },
      ]);
    }
  }
  const { constraints } = request;
  if (request.optimizationType !== 'STOCK_LEVELS' && Object.keys(constraints).length > 0)
    throw new AppError('INVALID_INPUT', `constraints apply to STOCK_LEVELS only: ${request.optimizationType} decides each SKU × location on its own`, [
      { path: 'constraints', message: 'only with STOCK_LEVELS' },
    ]);
  const run: OptimizationRunDocument = {
    _id: `opt-${utcDayKey(now).replaceAll('-', '')}-${randomBytes(4).toString('hex')}`,
    tenantId,
    optimizationType: request.optimizationType,
    parameters: {
      constraints: { budget: constraints.budget ?? null, storageCapacity: constraints.storageCapacity ?? null, perLocation: constraints.perLocation ?? null },
      skus,
      locationCodes: request.locationCodes ? [...new Set(request.locationCodes)].sort() : null,
    },
    inputs: { today: null, forecastIds: 0 },
    progress: { total: 0, done: 0 },
    method: null,
    items: [],
    skipped: [],
    totals: null,
    constraints: [],
    applied: null,
    requestedBy: actor,
    status: 'pending',
    runner: null,
    heartbeatAt: null,
    createdAt: now,
    startedAt: null,
    completedAt: null,
    error: null,
  };
  await optimizationRunsOf(db).insertOne(run);
  return run;
}

export function toOptimizationRun(run: OptimizationRunDocument): OptimizationRun {
  return {
    runId: run._id,
    optimizationType: run.optimizationType,
    status: run.status,
    inputs: { constraints: run.parameters.constraints, skus: run.parameters.skus, locationCodes: run.parameters.locationCodes, ...run.inputs },
    progress: run.progress,
    method: run.method,
    items: run.items,
    skipped: run.skipped,
    totals: run.totals,
    constraints: run.constraints,
    applied: run.applied ? { at: run.applied.at.toISOString(), by: run.applied.by.name, rulesWritten: run.applied.rulesWritten } : null,
    error: run.error,
    createdAt: run.createdAt.toISOString(),
    completedAt: run.completedAt?.toISOString() ?? null,
  };
}

/** A run of the tenant; NOT_FOUND for another tenant's or an unknown id. */
export async function getOptimizationRun(db: Db, tenantId: string, runId: string): Promise<OptimizationRunDocument> {
  const run = await optimizationRunsOf(db).findOne({ _id: runId, tenantId });
  if (!run) throw new AppError('NOT_FOUND', `No optimisation run ${runId}`);
  return run;
}

const DEFAULT_RULE: ReorderRuleBody = {
  strategy: 'FORECAST_BASED',
  serviceLevel: null,
  minStock: null,
  maxStock: null,
  reorderPoint: null,
  reorderQuantity: null,
  safetyStockDays: null,
  reviewPeriodDays: null,
  isActive: true,
};

/** The rule an item's proposal becomes, on top of the rule that applies to it today (or the default). */
export function proposedRule(type: OptimizationRun['optimizationType'], item: OptimizationItem, base: ReorderRuleBody): ReorderRuleBody {
  const reorderPoint = item.proposed.reorderPoint!;
  const reorderQuantity = item.proposed.orderQuantity!;
  if (type === 'STOCK_LEVELS') return { ...base, strategy: 'REORDER_POINT_EOQ', reorderPoint, reorderQuantity, minStock: null, maxStock: null, isActive: true };
  if (base.strategy === 'MIN_MAX')
    return { ...base, reorderPoint, reorderQuantity, minStock: reorderPoint, maxStock: Math.max(reorderPoint, Math.ceil(item.proposed.orderUpTo)) };
  return { ...base, reorderPoint, reorderQuantity };
}

/**
 * `POST /api/optimize/results/{runId}/apply`: write each item's proposal as
 * the rule at its location (through the reorder-rules module), once: the run
 * is marked applied first (a conditional write), so a second apply — or two at
 * once — gets 409 and writes nothing.
 */
export async function applyOptimizationRun(db: Db, tenantId: string, runId: string, actor: Actor, now: Date): Promise<OptimizationRunDocument> {
  const run = await getOptimizationRun(db, tenantId, runId);
  if (run.status !== 'completed') throw new AppError('CONFLICT', `Optimisation run ${runId} is ${run.status}: only a completed run can be applied`);
  if (run.optimizationType === 'SUPPLIER_MIX')
    throw new AppError(
      'CONFLICT',
      `Optimisation run ${runId} is a SUPPLIER_MIX: it proposes suppliers, which are product-supplier links kept by the operational service (mark the proposed supplier preferred there); reorder rules carry no supplier, so there is nothing to apply here`,
    );
  if (run.applied) throw new AppError('CONFLICT', `Optimisation run ${runId} was already applied at ${run.applied.at.toISOString()} by ${run.applied.by.name}`);
  const claimed = await optimizationRunsOf(db).updateOne(
    { _id: runId, tenantId, status: 'completed', applied: null },
    { $set: { applied: { at: now, by: actor, rulesWritten: 0 } } },
  );
  if (claimed.modifiedCount !== 1) throw new AppError('CONFLICT', `Optimisation run ${runId} was already applied`);
  const rules = db.collection<ReorderRuleDocument>(PLANNING_COLLECTIONS.reorderRules);
  let rulesWritten = 0;
  for (const item of run.items) {
    if (item.proposed.reorderPoint === null || item.proposed.orderQuantity === null) continue;
    const ids = [ruleId(tenantId, item.sku, item.locationCode), ruleId(tenantId, item.sku, null)];
    const existing = await rules.find({ _id: { $in: ids } }).toArray();
    const own = existing.find((r) => r._id === ids[0]) ?? existing.find((r) => r._id === ids[1] && r.isActive);
    const base: ReorderRuleBody = own
      ? {
          strategy: own.strategy,
          serviceLevel: own.serviceLevel,
          minStock: own.minStock,
          maxStock: own.maxStock,
          reorderPoint: own.reorderPoint,
          reorderQuantity: own.reorderQuantity,
          safetyStockDays: own.safetyStockDays,
          reviewPeriodDays: own.reviewPeriodDays,
          isActive: own.isActive,
        }
      : DEFAULT_RULE;
    await putReorderRule(db, tenantId, item.sku, item.locationCode, proposedRule(run.optimizationType, item, base), actor, now);
    rulesWritten += 1;
  }
  await optimizationRunsOf(db).updateOne({ _id: runId, tenantId }, { $set: { 'applied.rulesWritten': rulesWritten } });
  return getOptimizationRun(db, tenantId, runId);
}
