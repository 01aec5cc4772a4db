import type { AnyBulkWriteOperation, Db } from 'mongodb';
import type { SourceChange } from '../cdc/cdc.types.js';
import { bulkWriteIgnoringDuplicates } from '../util/bulk-writes.js';
import { FACT_COLLECTIONS } from './fact-collections.js';
import { mirror, ofCollection, rowOf } from './mirror-writes.js';
import { SourceCampaignSchema, SourceProductSchema, SourceStockPositionSchema } from './source-documents.js';
import { mirrorSupplyData } from './supply-mirror.js';
import { mirrorBackorders } from './backorder-mirror.js';
import { mirrorTransferExecutions } from './transfer-execution-mirror.js';

/** A product as planning reads it, keyed `${tenantId}:${sku}` (SKUs are immutable and unique per tenant). */
export interface ProductMirrorDoc {
  _id: string;
  sourceId: string;
  tenantId: string;
  sku: string;
  name: string;
  category: string;
  status: string;
  price: number;
  reorderPoint: number;
  safetyStock: number;
  leadTimeDays: number;
  updatedAt: Date;
}

/** A campaign, keyed by its source id (the `campaignId` order lines carry). */
export interface CampaignMirrorDoc {
  _id: string;
  sourceId: string;
  tenantId: string;
  name: string;
  status: string;
  startsAt: Date;
  endsAt: Date;
  skus: string[];
  discountPercent: number;
  updatedAt: Date;
}

/** Union of what a campaign ever covered; only grows (see FACT_COLLECTIONS.campaignCoverage). */
export interface CampaignCoverageDoc {
  _id: string;
  tenantId: string;
  skus: string[];
  from: Date;
  to: Date;
}

/** A stock position, keyed `${tenantId}:${sku}:${locationCode}`: the stock planning reads, and only from here. */
export interface StockReadModelDoc {
  _id: string;
  sourceId: string;
  tenantId: string;
  sku: string;
  locationCode: string;
  onHand: number;
  reserved: number;
  available: number;
  onOrder: number;
  inTransit: number;
  damaged: number;
  reorderPoint: number;
  lowStock: boolean;
  updatedAt: Date;
}

const productRow = rowOf(SourceProductSchema, (p, sourceId): ProductMirrorDoc => ({ _id: `${p.tenantId}:${p.sku}`, sourceId, ...p }));

const campaignRow = rowOf(SourceCampaignSchema, (c, sourceId): CampaignMirrorDoc => ({ _id: sourceId, sourceId, ...c }));

const positionRow = rowOf(SourceStockPositionSchema, (p, sourceId): StockReadModelDoc => ({ _id: `${p.tenantId}:${p.sku}:${p.locationCode}`, sourceId, ...p }));

/** Grow each campaign's coverage by its versions in this batch (merged first: one write per campaign, so no upsert races itself). */
async function extendCoverage(db: Db, changes: readonly SourceChange[]): Promise<void> {
  const merged = new Map<string, CampaignCoverageDoc>();
  // Every version in the batch counts, not only the newest: an intermediate version may have flagged rows too.
  for (const change of changes) {
    const c = change.operationType !== 'delete' && change.fullDocument ? campaignRow(change.fullDocument) : null;
    if (!c) continue;
    const known = merged.get(c._id);
    merged.set(c._id, {
      _id: c._id,
      tenantId: c.tenantId,
      skus: [...new Set([...(known?.skus ?? []), ...c.skus])],
      from: known && known.from < c.startsAt ? known.from : c.startsAt,
      to: known && known.to > c.endsAt ? known.to : c.endsAt,
    });
  }
  const operations: AnyBulkWriteOperation<CampaignCoverageDoc>[] = [...merged.values()].map((c) => ({
    updateOne: {
      filter: { _id: c._id },
      update: { $setOnInsert: { tenantId: c.tenantId }, $addToSet: { skus: { $each: c.skus } }, $min: { from: c.from }, $max: { to: c.to } },
      upsert: true,
    },
  }));
  await bulkWriteIgnoringDuplicates(db.collection<CampaignCoverageDoc>(FACT_COLLECTIONS.campaignCoverage), operations);
}

/**
 * Keep the read models of products, campaigns and stock positions — and the
 * supply side's (supply-mirror.ts) and the back-orders of sales orders (backorder-mirror.ts) — in step with a batch of source changes:
 * newest version wins (by the source's `updatedAt`), deletes remove the row.
 * Idempotent and safe against re-delivery of older versions. Sales orders are
 * mirrored for their back-orders only, ledger rows not at all (see recordFacts).
 *
 * @example await mirrorReferenceData(analyticsDb, [{ collection: 'stockPositions', operationType: 'update', documentKey: { _id }, fullDocument: position, clusterTime: null }])
 */
export async function mirrorReferenceData(db: Db, changes: readonly SourceChange[]): Promise<void> {
  const campaignChanges = ofCollection(changes, 'campaigns');
  await Promise.all([
    mirror(db, FACT_COLLECTIONS.productsMirror, ofCollection(changes, 'products'), productRow),
    mirror(db, FACT_COLLECTIONS.campaignsMirror, campaignChanges, campaignRow),
    mirror(db, FACT_COLLECTIONS.stockReadModel, ofCollection(changes, 'stockPositions'), positionRow),
    mirrorSupplyData(db, changes),
    mirrorBackorders(db, changes),
    mirrorTransferExecutions(db, changes),
  ]);
  await extendCoverage(db, campaignChanges);
}

/** Campaign rows parsed from changes; shared with recordFacts (campaignFactKeys), which turns campaign changes into fact keys. */
export { campaignRow as campaignMirrorRow };
