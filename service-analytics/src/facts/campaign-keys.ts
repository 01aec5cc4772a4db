import { utcDayKey } from '@icc/shared';
import type { ClientSession, Db } from 'mongodb';
import type { SourceChange } from '../cdc/cdc.types.js';
import { FACT_COLLECTIONS, type StoredDailyFact } from './fact-collections.js';
import type { FactKey } from './facts.types.js';
import type { CampaignCoverageDoc } from './reference-mirror.js';

/**
 * The existing fact rows a batch of campaign changes may re-flag: rows of any
 * SKU the campaign ever covered, on any day it ever spanned (its coverage, the
 * union over all versions the mirror saw, so an edit that moves or shrinks a
 * campaign, or its deletion, also reaches the rows it no longer covers). Reads
 * the coverage the mirror step has just extended. Days without a fact row get
 * none: the features step fills them, and reads campaigns itself.
 *
 * @example await campaignFactKeys(db, changes) // [{ tenantId: 't1', sku: 'A', locationCode: 'WH1', day: '2026-03-02' }, …]
 */
export async function campaignFactKeys(db: Db, changes: readonly SourceChange[], session?: ClientSession): Promise<FactKey[]> {
  const ids = [...new Set(changes.filter((c) => c.collection === 'campaigns').map((c) => String(c.documentKey._id)))];
  if (ids.length === 0) return [];
  const coverage = await db
    .collection<CampaignCoverageDoc>(FACT_COLLECTIONS.campaignCoverage)
    .find({ _id: { $in: ids } }, { session })
    .toArray();
  const facts = db.collection<StoredDailyFact>(FACT_COLLECTIONS.dailySalesFacts);
  const found: FactKey[] = [];
  // One campaign after another: inside a transaction a session's operations must not overlap.
  for (const c of coverage) {
    const rows = await facts
      .find(
        { tenantId: c.tenantId, sku: { $in: c.skus }, day: { $gte: utcDayKey(c.from), $lte: utcDayKey(c.to) } },
        { projection: { _id: 0, tenantId: 1, sku: 1, locationCode: 1, day: 1 }, session },
      )
      .toArray();
    for (const f of rows) found.push({ tenantId: f.tenantId, sku: f.sku, locationCode: f.locationCode, day: f.day });
  }
  return found;
}
