import { DEFAULT_PLANNING_SETTINGS, type PlanningSettings } from '@icc/shared';
import type { Db } from 'mongodb';
import { PLANNING_COLLECTIONS } from './planning.collections.js';
import type { Actor, PlanningSettingsDocument } from './planning.types.js';

/** The tenant's settings with when they were saved; the defaults (`updatedAt: null`) until a planner saves some. */
export async function planningSettingsOf(db: Db, tenantId: string): Promise<PlanningSettings & { updatedAt: Date | null }> {
  const stored = await db.collection<PlanningSettingsDocument>(PLANNING_COLLECTIONS.planningSettings).findOne({ _id: tenantId });
  if (!stored) return { ...DEFAULT_PLANNING_SETTINGS, updatedAt: null };
  const { _id, updatedBy, ...settings } = stored;
  // Settings saved before a field existed take its default.
  return { ...DEFAULT_PLANNING_SETTINGS, ...settings };
}

/**
 * Replace the tenant's settings (a PUT carries all of them, checked by the
 * shared schema before this runs).
 *
 * @example await savePlanningSettings(db, 'acme', { ...DEFAULT_PLANNING_SETTINGS, orderingCost: 80 }, actor, new Date())
 */
export async function savePlanningSettings(
  db: Db,
  tenantId: string,
  settings: PlanningSettings,
  actor: Actor,
  now: Date,
): Promise<PlanningSettings & { updatedAt: Date }> {
  const document: PlanningSettingsDocument = { _id: tenantId, ...settings, updatedAt: now, updatedBy: actor };
  await db.collection<PlanningSettingsDocument>(PLANNING_COLLECTIONS.planningSettings).replaceOne({ _id: tenantId }, document, { upsert: true });
  return { ...settings, updatedAt: now };
}
