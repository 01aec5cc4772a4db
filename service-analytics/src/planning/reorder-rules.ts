import { AppError, SkuSchema, type Page, type ReorderRule, type ReorderRuleBody } from '@icc/shared';
import type { Db, Filter } from 'mongodb';
import { FACT_COLLECTIONS } from '../facts/fact-collections.js';
import type { ProductMirrorDoc } from '../facts/reference-mirror.js';
import { PLANNING_COLLECTIONS } from './planning.collections.js';
import type { Actor, ReorderRuleDocument } from './planning.types.js';

/** The id of a rule: location codes never contain `*`, so `*` names the rule for every location. */
export const ruleId = (tenantId: string, sku: string, locationCode: string | null) => `${tenantId}:${sku}:${locationCode ?? '*'}`;

export function toReorderRule(rule: ReorderRuleDocument): ReorderRule {
  const { _id, tenantId, updatedAt, ...fields } = rule;
  return { ...fields, updatedAt: updatedAt.toISOString() };
}

/**
 * Set the rule of a SKU (at one location, or at all when `locationCode` is
 * null). The SKU must be in the tenant's catalog: another tenant's SKU is
 * refused exactly like an unknown one, before anything is written.
 *
 * @example await putReorderRule(db, 'acme', 'SKU-1', null, { strategy: 'MIN_MAX', minStock: 20, maxStock: 80, … }, actor, new Date())
 */
export async function putReorderRule(
  db: Db,
  tenantId: string,
  sku: string,
  locationCode: string | null,
  body: ReorderRuleBody,
  actor: Actor,
  now: Date,
): Promise<ReorderRule> {
  const product = await db.collection<ProductMirrorDoc>(FACT_COLLECTIONS.productsMirror).findOne({ _id: `${tenantId}:${sku}` }, { projection: { _id: 1 } });
  if (!product) throw new AppError('NOT_FOUND', `No product ${sku} in the catalog`);
  const rule: ReorderRuleDocument = { _id: ruleId(tenantId, sku, locationCode), tenantId, sku, locationCode, ...body, updatedAt: now, updatedBy: actor };
  await db.collection<ReorderRuleDocument>(PLANNING_COLLECTIONS.reorderRules).replaceOne({ _id: rule._id }, rule, { upsert: true });
  return toReorderRule(rule);
}

/** Remove a rule; NOT_FOUND when there is none (the SKU then plans with the default FORECAST_BASED rule). */
export async function deleteReorderRule(db: Db, tenantId: string, sku: string, locationCode: string | null): Promise<void> {
  const result = await db.collection<ReorderRuleDocument>(PLANNING_COLLECTIONS.reorderRules).deleteOne({ _id: ruleId(tenantId, sku, locationCode) });
  if (result.deletedCount === 0) throw new AppError('NOT_FOUND', `No reorder rule for ${sku}${locationCode === null ? '' : ` at ${locationCode}`}`);
}

/** The tenant's rules by SKU then location (the all-locations rule first), a page at a time; the cursor is the last rule's id tail. */
export async function listReorderRules(
  db: Db,
  tenantId: string,
  query: { sku?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<Page<ReorderRule>> {
  const filter: Filter<ReorderRuleDocument> = { tenantId };
  if (query.sku !== undefined) filter.sku = query.sku;
  if (query.cursor !== undefined) filter._id = { $gt: `${tenantId}:${decodeRuleCursor(query.cursor)}` };
  const rows = await db
    .collection<ReorderRuleDocument>(PLANNING_COLLECTIONS.reorderRules)
    .find(filter)
    .sort({ _id: 1 })
    .limit(query.limit + 1)
    .toArray();
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > query.limit && last ? Buffer.from(`${last.sku}:${last.locationCode ?? '*'}`).toString('base64url') : null;
  return { items: page.map(toReorderRule), nextCursor };
}

/** `sku:location` (or `sku:*`), base64url: opaque to clients, checked before it reaches a query. */
function decodeRuleCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const [sku, location, ...rest] = text.split(':');
  const valid =
    rest.length === 0 &&
    sku !== undefined &&
    SkuSchema.safeParse(sku).success &&
    location !== undefined &&
    /^(?:\*|[A-Za-z0-9][A-Za-z0-9._-]{0,31})$/.test(location);
  if (!valid)
    throw new AppError('INVALID_INPUT', 'cursor: not a cursor from this list; use nextCursor from the previous page', [
      { path: 'cursor', message: 'invalid cursor' },
    ]);
  return text;
}

/**
 * The rules that apply to some SKUs, keyed `${sku}:${locationCode}` for a
 * location's own rule and `${sku}:*` for the SKU's rule at every location;
 * inactive rules are left out (the default applies).
 */
export async function activeRulesOf(db: Db, tenantId: string, skus: readonly string[]): Promise<Map<string, ReorderRuleDocument>> {
  const rules = await db
    .collection<ReorderRuleDocument>(PLANNING_COLLECTIONS.reorderRules)
    .find({ tenantId, sku: { $in: [...skus] }, isActive: true })
    .toArray();
  return new Map(rules.map((rule) => [`${rule.sku}:${rule.locationCode ?? '*'}`, rule]));
}
