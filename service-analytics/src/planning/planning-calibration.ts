import type { PlanningSettings } from '@icc/shared';
import type { Db } from 'mongodb';
import { shortagePriceForTarget, type ServiceAllocation, type ServiceItem } from './policy/index.js';
import { PLANNING_COLLECTIONS } from './planning.collections.js';

/**
 * What a tenant-wide fill-rate target (`targetFillRate`) needs from one run to
 * the next. The allocation's price per unit short is solved over every pair's
 * (annual demand, unit cost, order quantity, σ), which do not depend on the
 * price; a run keeps an evenly spaced sample of them and the next run solves
 * the price for whatever target is set then, so a changed target applies at
 * once. One document per tenant, replaced by each completed run.
 */

/** Pairs a calibration keeps: enough for the demand-weighted mean to be stable, small enough for one document (~250 kB). */
export const CALIBRATION_SAMPLE_SIZE = 5_000;

export interface PlanningCalibrationDocument {
  _id: string;
  tenantId: string;
  runId: string;
  at: Date;
  /** Pairs the run measured (the sample is at most CALIBRATION_SAMPLE_SIZE of them). */
  pairs: number;
  items: ServiceItem[];
}

/** The price a run plans with, and where it came from. */
export interface RunAllocation extends ServiceAllocation {
  targetFillRate: number;
  calibratedBy: string;
}

/**
 * Every k-th item so that at most `size` remain, in order: a deterministic
 * sample whose demand-weighted fill rates stand for the whole.
 *
 * @example sampleEvenly([1, 2, 3, 4, 5], 2) // [1, 4]
 */
export function sampleEvenly<T>(items: readonly T[], size: number): T[] {
  if (items.length <= size) return [...items];
  const step = items.length / size;
  return Array.from({ length: size }, (_, i) => items[Math.floor(i * step)]!);
}

/** The allocation for the tenant's target, from the last run's sample; null without a target or before any run has measured the pairs. */
export async function runAllocationOf(
  db: Db,
  tenantId: string,
  settings: Pick<PlanningSettings, 'targetFillRate' | 'holdingCostRate'>,
): Promise<RunAllocation | null> {
  if (settings.targetFillRate === null) return null;
  const calibration = await db.collection<PlanningCalibrationDocument>(PLANNING_COLLECTIONS.planningCalibration).findOne({ _id: tenantId });
  if (!calibration) return null;
  const allocation = shortagePriceForTarget(calibration.items, settings.targetFillRate, settings.holdingCostRate);
  return allocation === null ? null : { ...allocation, targetFillRate: settings.targetFillRate, calibratedBy: calibration.runId };
}

/** Keep a run's pairs for the next run's allocation. */
export async function saveCalibration(db: Db, tenantId: string, runId: string, items: readonly ServiceItem[], at: Date): Promise<void> {
  if (items.length === 0) return;
  const document: PlanningCalibrationDocument = {
    _id: tenantId,
    tenantId,
    runId,
    at,
    pairs: items.length,
    items: sampleEvenly(items, CALIBRATION_SAMPLE_SIZE),
  };
  await db.collection<PlanningCalibrationDocument>(PLANNING_COLLECTIONS.planningCalibration).replaceOne({ _id: tenantId }, document, { upsert: true });
}
