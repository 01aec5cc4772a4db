import { sampleStandardDeviation } from 'simple-statistics';
import type { Db, Document } from 'mongodb';
import { meanOf } from '../util/statistics.js';
import { FACT_COLLECTIONS } from './fact-collections.js';
import type { PurchaseOrderMirrorDoc } from './supply-mirror.js';

/** How one supplier has delivered, over its purchase orders with a receipt. */
export interface SupplierDeliveryStats {
  receivedOrders: number;
  /** Mean of receipt − expected date, in (fractional) days; negative is early. */
  meanDelayDays: number;
  /** Sample standard deviation of the delays (0 with a single order). */
  delayStdDays: number;
  /** Share of orders received on or before their expected day (UTC days, as the operational supplier performance counts). */
  onTimeRate: number;
  /** Mean of receipt − orderedAt in days, over the orders that record when they were placed; null when none does. */
  meanLeadTimeDays: number | null;
  /** Sample standard deviation of those lead times (0 with one), null when none. */
  leadTimeStdDays: number | null;
}

/** One order as the statistics need it: the aggregation's output. */
interface Delivery {
  delayDays: number;
  onTime: boolean;
  leadTimeDays: number | null;
}

const DAY_MS = 86_400_000;
/** Before every receipt: `$gte` it means "has a date" in a form every engine bounds on an index (null and absent sort below dates). */
const EARLIEST = new Date(-8.64e15);

/** Whole UTC days since the epoch of a date expression. */
const utcDay = (date: unknown): Document => ({ $floor: { $divide: [{ $subtract: [date, new Date(0)] }, DAY_MS] } });
const daysBetween = (from: unknown, to: unknown): Document => ({ $divide: [{ $subtract: [to, from] }, DAY_MS] });

/**
 * Each supplier's delivery performance for `tenantId`, from the purchase-order
 * mirror: every order with a receipt (complete or partial, and an order
 * cancelled after one) counts once, at its newest receipt (`lastReceivedAt`,
 * else `receivedAt` on orders stored before the former existed). With
 * `since`, only orders whose receipt came at or after it. Planning corrects
 * a link's lead time by the mean delay and takes the delay's spread as the
 * lead-time uncertainty.
 *
 * The read is bounded by the receipt index `{ tenantId, lastReceivedAt, receivedAt }`:
 * one range per branch of the `$or`, so orders without a receipt are never read.
 *
 * @example
 *   const stats = await supplierDeliveryStats(analyticsDb, 'acme', { since: new Date('2026-01-01') });
 *   stats.get('SUP-1') // { receivedOrders: 12, meanDelayDays: 1.5, delayStdDays: 2.1, onTimeRate: 0.58, meanLeadTimeDays: 9.5, leadTimeStdDays: 2.2 }
 */
export async function supplierDeliveryStats(db: Db, tenantId: string, options: { since?: Date } = {}): Promise<Map<string, SupplierDeliveryStats>> {
  const from = options.since ?? EARLIEST;
  const receipt = { $ifNull: ['$lastReceivedAt', '$receivedAt'] };
  const grouped = await db
    .collection<PurchaseOrderMirrorDoc>(FACT_COLLECTIONS.purchaseOrdersMirror)
    .aggregate<{ _id: string; deliveries: Delivery[] }>([
      { $match: { tenantId, $or: [{ lastReceivedAt: { $gte: from } }, { lastReceivedAt: null, receivedAt: { $gte: from } }] } },
      {
        $project: {
          supplierCode: 1,
          delayDays: daysBetween('$expectedDate', receipt),
          onTime: { $lte: [utcDay(receipt), utcDay('$expectedDate')] },
          leadTimeDays: { $cond: [{ $eq: ['$orderedAt', null] }, null, daysBetween('$orderedAt', receipt)] },
        },
      },
      { $group: { _id: '$supplierCode', deliveries: { $push: { delayDays: '$delayDays', onTime: '$onTime', leadTimeDays: '$leadTimeDays' } } } },
    ])
    .toArray();
  return new Map(grouped.map((supplier) => [supplier._id, deliveryStats(supplier.deliveries)]));
}

/** Sample standard deviation, 0 for a single value (one order shows no spread yet). */
const spread = (values: number[]) => (values.length > 1 ? sampleStandardDeviation(values) : 0);

function deliveryStats(deliveries: readonly Delivery[]): SupplierDeliveryStats {
  const delays = deliveries.map((d) => d.delayDays);
  const leadTimes = deliveries.flatMap((d) => (d.leadTimeDays === null ? [] : [d.leadTimeDays]));
  return {
    receivedOrders: deliveries.length,
    meanDelayDays: meanOf(delays),
    delayStdDays: spread(delays),
    onTimeRate: deliveries.filter((d) => d.onTime).length / deliveries.length,
    meanLeadTimeDays: leadTimes.length > 0 ? meanOf(leadTimes) : null,
    leadTimeStdDays: leadTimes.length > 0 ? spread(leadTimes) : null,
  };
}
