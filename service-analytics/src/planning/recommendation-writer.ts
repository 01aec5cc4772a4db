import { ObjectId, type AnyBulkWriteOperation, type Db } from 'mongodb';
import { RECOMMENDATION_TYPES, type PlanningRunCounts, type RecommendationType, type StoredRecommendation } from '@icc/shared';
import { bulkWriteIgnoringDuplicates } from '../util/bulk-writes.js';
import { pairKey } from './planning-inputs.js';
import type { DesiredRecommendation } from './planning-decisions.js';
import { announceRecommendations } from './planning-live.js';
import { recommendationsOf } from './recommendations.store.js';

/** A new quantity within this share of the pending one (or 1 unit), from the same supplier, updates it in place. */
const SAME_QUANTITY_SHARE = 0.1;

/** Priorities a run announces live when it creates or replaces a recommendation (the rest are in the list: a first run over 100,000 pairs must not send 100,000 events). */
const ANNOUNCED_PRIORITIES = new Set(['CRITICAL', 'HIGH']);

/** The fields a run writes that a person reads: equal in all of them, an update would change nothing but the run id and expiry. */
function sameNumbers(pending: StoredRecommendation, desired: DesiredRecommendation): boolean {
  return (Object.keys(desired) as (keyof DesiredRecommendation)[]).every((key) => sameValue(pending[key], desired[key]));
}

/**
 * Equal as stored: the same primitives, dates at the same instant, arrays and
 * plain objects equal member by member (a member that is undefined counts as
 * absent, as in a stored document). A walk, not JSON.stringify: this runs for
 * every pending recommendation of every run.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return typeof a === 'number' && Number.isNaN(a) && Number.isNaN(b);
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i += 1) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const key in x) if (x[key] !== undefined && !sameValue(x[key], y[key])) return false;
  for (const key in y) if (y[key] !== undefined && x[key] === undefined) return false;
  return true;
}

function unchangedIsh(pending: StoredRecommendation, desired: DesiredRecommendation): boolean {
  if (pending.supplierCode !== desired.supplierCode) return false;
  return Math.abs(pending.quantity - desired.quantity) <= Math.max(1, SAME_QUANTITY_SHARE * pending.quantity);
}

export interface ChunkWrite {
  /** Every pair the chunk planned, with the recommendations it wants (none: what is pending expires). */
  pairs: { sku: string; locationCode: string; desired: DesiredRecommendation[] }[];
  /** The chunk's PENDING recommendations, `${pairKey}\u0000${type}`. */
  pending: Map<string, StoredRecommendation>;
}

/**
 * Bring the chunk's PENDING recommendations in line with what the run
 * decided, one bulk write per kind of change:
 * - a pending one with exactly the numbers the run decided is left alone
 *   while more than half its time to live remains;
 * - a pending one whose supplier is the same and quantity within 10 % is
 *   updated in place (same id, new numbers, new expiry);
 * - otherwise it is SUPERSEDED (pointing at its successor) and the new one
 *   inserted — after, since at most one may be PENDING (a unique partial index);
 * - a planned pair that no longer needs one has it EXPIRED.
 * Every update is conditional on PENDING: one accepted or rejected meanwhile is
 * left alone, and its successor is not inserted.
 */
export async function writeChunkRecommendations(
  db: Db,
  write: ChunkWrite,
  run: { runId: string; now: Date; ttlHours: number },
  counts: PlanningRunCounts,
): Promise<void> {
  const { now, runId } = run;
  const expiresAt = new Date(now.getTime() + run.ttlHours * 3_600_000);
  const recommendations = recommendationsOf(db);
  const updates: AnyBulkWriteOperation<StoredRecommendation>[] = [];
  const supersedes: { old: StoredRecommendation; next: StoredRecommendation }[] = [];
  const inserts: StoredRecommendation[] = [];
  const expiring: string[] = [];
  const fresh = (desired: DesiredRecommendation): StoredRecommendation => ({
    ...desired,
    _id: new ObjectId().toHexString(),
    status: 'PENDING',
    runId,
    expiresAt,
    createdAt: now,
    updatedAt: now,
    actionedAt: null,
    actionedBy: null,
    rejectionReason: null,
    accepted: null,
    purchaseOrder: null,
    supersededBy: null,
  });

  for (const pair of write.pairs) {
    const wanted = new Map<RecommendationType, DesiredRecommendation>(pair.desired.map((d) => [d.type, d]));
    for (const type of RECOMMENDATION_TYPES) {
      const pending = write.pending.get(`${pairKey(pair.sku, pair.locationCode)}\u0000${type}`);
      const desired = wanted.get(type);
      if (!desired) {
        if (pending) expiring.push(pending._id);
        continue;
      }
      if (!pending) {
        inserts.push(fresh(desired));
      } else if (sameNumbers(pending, desired) && pending.expiresAt.getTime() - now.getTime() > (run.ttlHours * 3_600_000) / 2) {
        // Nothing to tell anyone, and far from expiry: no write (a later run refreshes the expiry once half of it has passed).
        counts.recommendationsUnchanged += 1;
      } else if (unchangedIsh(pending, desired)) {
        updates.push({ updateOne: { filter: { _id: pending._id, status: 'PENDING' }, update: { $set: { ...desired, runId, expiresAt, updatedAt: now } } } });
      } else {
        supersedes.push({ old: pending, next: fresh(desired) });
      }
    }
  }

  if (updates.length > 0) counts.recommendationsUpdated += (await recommendations.bulkWrite(updates, { ordered: false })).modifiedCount;
  if (expiring.length > 0) {
    const result = await recommendations.updateMany({ _id: { $in: expiring }, status: 'PENDING' }, { $set: { status: 'EXPIRED', updatedAt: now } });
    counts.recommendationsExpired += result.modifiedCount;
  }
  if (supersedes.length > 0) {
    const result = await recommendations.bulkWrite(
      supersedes.map(({ old, next }) => ({
        updateOne: { filter: { _id: old._id, status: 'PENDING' }, update: { $set: { status: 'SUPERSEDED', supersededBy: next._id, updatedAt: now } } },
      })),
      { ordered: false },
    );
    let replaced = supersedes;
    if (result.modifiedCount < supersedes.length) {
      // Some were accepted or rejected meanwhile: insert successors only of those this run superseded.
      const ours = await recommendations
        .find({ _id: { $in: supersedes.map((s) => s.old._id) }, status: 'SUPERSEDED' }, { projection: { supersededBy: 1 } })
        .toArray();
      const mine = new Set(ours.map((r) => r.supersededBy));
      replaced = supersedes.filter((s) => mine.has(s.next._id));
    }
    counts.recommendationsSuperseded += replaced.length;
    inserts.push(...replaced.map((s) => s.next));
  }
  if (inserts.length > 0) {
    // A concurrent run of the same pair (another runner after a lease takeover) may have inserted first: its pending one stands.
    await bulkWriteIgnoringDuplicates(
      recommendations,
      inserts.map((document) => ({ insertOne: { document } })),
    );
    counts.recommendationsCreated += inserts.length;
  }
  const announced = inserts.filter((rec) => ANNOUNCED_PRIORITIES.has(rec.priority));
  await announceRecommendations(
    db,
    announced.map((recommendation) => ({ event: 'recommendation:created', recommendation })),
    now,
  );
}
