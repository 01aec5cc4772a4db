import { utcDayKey } from '@icc/shared';
import type { CounterRecord } from '../db/counter.model.js';
import type { Models } from '../db/models.js';
import { tenantCollection } from '../tenancy/tenant-collection.js';

export type DocumentPrefix = 'SO' | 'PO';

/** The series of a UTC day, which is also its counter's name. @example documentSeries('SO', '2026-11-21') // 'SO-20261121' */
export function documentSeries(prefix: DocumentPrefix, day: string): string {
  return `${prefix}-${day.replaceAll('-', '')}`;
}

/** @example documentNumber('SO-20261121', 42) // 'SO-20261121-0042' */
export function documentNumber(series: string, seq: number): string {
  return `${series}-${String(seq).padStart(4, '0')}`;
}

/** The place of a number in its series (0 when it has none). @example documentSequence('SO-20261121-0042') // 42 */
export function documentSequence(number: string): number {
  return Number(number.slice(number.lastIndexOf('-') + 1)) || 0;
}

/**
 * The next number of a per-tenant, per-day series, e.g. `SO-20261121-0042`.
 * Taken outside the order's transaction on purpose: a counter inside it would
 * make every concurrent order conflict on one document. A failed order leaves
 * a gap in the series, which is harmless.
 */
export async function nextDocumentNumber(models: Models, prefix: DocumentPrefix, at: Date): Promise<string> {
  const [number] = await nextDocumentNumbers(models, prefix, [at]);
  return number!;
}

/**
 * One number per instant, in the order given, taking each day's numbers with
 * one increment of its counter (a batch of orders costs one round trip per day,
 * not one per order).
 */
export async function nextDocumentNumbers(models: Models, prefix: DocumentPrefix, instants: readonly Date[]): Promise<string[]> {
  const series = instants.map((at) => documentSeries(prefix, utcDayKey(at)));
  const counters = tenantCollection<CounterRecord>(models.Counter);
  const nextOfDay = new Map<string, number>();
  await Promise.all(
    [...countBy(series)].map(async ([name, count]) => {
      const counter = await counters.findOneAndUpdate({ name }, { $inc: { seq: count } }, { upsert: true });
      // The counter now stands at the last of the `count` numbers just taken.
      nextOfDay.set(name, counter!.seq - count + 1);
    }),
  );
  return series.map((name) => {
    const seq = nextOfDay.get(name)!;
    nextOfDay.set(name, seq + 1);
    return documentNumber(name, seq);
  });
}

function countBy(keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}
