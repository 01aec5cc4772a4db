import { utcDayKey } from '@icc/shared';
import type { Models } from '../db/models.js';

/**
 * The next number of a per-tenant, per-day series, e.g. `SO-20261121-0042`.
 * Taken outside the order's transaction on purpose: a counter inside it would
 * make every concurrent order conflict on one document. A failed order leaves
 * a gap in the series, which is harmless.
 */
export async function nextDocumentNumber(models: Models, prefix: 'SO' | 'PO', at: Date): Promise<string> {
  const day = utcDayKey(at).replaceAll('-', '');
  const counter = await models.Counter.findOneAndUpdate(
    { name: `${prefix}-${day}` },
    { $inc: { seq: 1 } },
    { upsert: true, returnDocument: 'after', lean: true },
  );
  return `${prefix}-${day}-${String(counter!.seq).padStart(4, '0')}`;
}
