import { utcDayKey } from '@icc/shared';
import type { CounterRecord } from '../db/counter.model.js';
import type { Models } from '../db/models.js';
import { tenantCollection } from '../tenancy/tenant-collection.js';

/**
 * The next number of a per-tenant, per-day series, e.g. `SO-20261121-0042`.
 * Taken outside the order's transaction on purpose: a counter inside it would
 * make every concurrent order conflict on one document. A failed order leaves
 * a gap in the series, which is harmless.
 */
export async function nextDocumentNumber(models: Models, prefix: 'SO' | 'PO', at: Date): Promise<string> {
  const [number] = await nextDocumentNumbers(models, prefix, [at]);
  return number!;
}

/**
 * One number per instant, in the order given, taking each day's numbers with
 * one increment of its counter (a batch of orders costs one round trip per day,
 * not one per order).
 */
export async function nextDocumentNumbers(models: Models, prefix: 'SO' | 'PO', instants: readonly Date[]): Promise<string[]> {
  const days = instants.map((at) => utcDayKey(at).replaceAll('-', ''));
  const counters = tenantCollection<CounterRecord>(models.Counter);
  const nextOfDay = new Map<string, number>();
  await Promise.all(
    [...countBy(days)].map(async ([day, count]) => {
      const counter = await counters.findOneAndUpdate({ name: `${prefix}-${day}` }, { $inc: { seq: count } }, { upsert: true });
      // The counter now stands at the last of the `count` numbers just taken.
      nextOfDay.set(day, counter!.seq - count + 1);
    }),
  );
  return days.map((day) => {
    const seq = nextOfDay.get(day)!;
    nextOfDay.set(day, seq + 1);
    return `${prefix}-${day}-${String(seq).padStart(4, '0')}`;
  });
}

function countBy(keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}
