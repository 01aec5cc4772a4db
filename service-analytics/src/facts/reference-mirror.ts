import type { AnyBulkWriteOperation, Db, Document, Filter, UpdateFilter } from 'mongodb';
import type { SourceChange, SourceCollection } from '../cdc/cdc.types.js';
import { bulkWriteIgnoringDuplicates } from '../util/bulk-writes.js';
import { FACT_COLLECTIONS } from './fact-collections.js';
import {
  parseSource,
  SourceCampaignSchema,
  SourceProductSchema,
  SourceStockPositionSchema,
  type SourceCampaign,
  type SourceProduct,
  type SourceStockPosition,
} from './source-documents.js';

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

interface MirrorRow {
  _id: string;
  sourceId: string;
  updatedAt: Date;
}

/**
 * Keep the newest version per target row, and note deletions. A change whose
 * `fullDocument` is null but is not a delete (the document was deleted before
 * the update was looked up) carries nothing: its delete follows in the stream.
 */
function collect<T extends MirrorRow>(changes: readonly SourceChange[], toRow: (doc: Document) => T | null): { rows: T[]; deleted: string[] } {
  const newest = new Map<string, T>();
  const deleted = new Set<string>();
  for (const change of changes) {
    if (change.operationType === 'delete') {
      deleted.add(String(change.documentKey._id));
      continue;
    }
    const row = change.fullDocument ? toRow(change.fullDocument) : null;
    if (!row) continue;
    const known = newest.get(row._id);
    if (!known || known.updatedAt <= row.updatedAt) newest.set(row._id, row);
  }
  // A source document deleted in this batch stays deleted (source order puts its delete after its writes).
  return { rows: [...newest.values()].filter((row) => !deleted.has(row.sourceId)), deleted: [...deleted] };
}

/**
 * Upsert `row` only over an older (or equal) version: when the stored row is
 * newer the filter misses, the upsert collides on `_id` and the duplicate is
 * ignored, so a re-delivered old change never overwrites a newer state.
 */
function guardedUpsert<T extends MirrorRow>(row: T): AnyBulkWriteOperation<T> {
  const { _id, ...fields } = row;
  // The driver's Filter/UpdateFilter generics cannot relate a generic `T`'s keys to these paths.
  const filter = { _id, updatedAt: { $lte: row.updatedAt } } as unknown as Filter<T>;
  const update = { $set: fields } as unknown as UpdateFilter<T>;
  return { updateOne: { filter, update, upsert: true } };
}

const productRow = (doc: Document): ProductMirrorDoc | null => {
  const p = parseSource<SourceProduct>(SourceProductSchema, doc);
  if (!p) return null;
  const { _id: sourceId, ...rest } = p;
  return { _id: `${p.tenantId}:${p.sku}`, sourceId, ...rest };
};

const campaignRow = (doc: Document): CampaignMirrorDoc | null => {
  const c = parseSource<SourceCampaign>(SourceCampaignSchema, doc);
  return c ? { ...c, sourceId: c._id } : null;
};

const positionRow = (doc: Document): StockReadModelDoc | null => {
  const p = parseSource<SourceStockPosition>(SourceStockPositionSchema, doc);
  if (!p) return null;
  const { _id: sourceId, ...rest } = p;
  return { _id: `${p.tenantId}:${p.sku}:${p.locationCode}`, sourceId, ...rest };
};

async function mirror<T extends MirrorRow>(db: Db, name: string, changes: readonly SourceChange[], toRow: (doc: Document) => T | null): Promise<void> {
  const { rows, deleted } = collect(changes, toRow);
  const operations: AnyBulkWriteOperation<T>[] = rows.map(guardedUpsert);
  // Delete by source id: a row re-created under the same natural key (a new source document) is not the one deleted.
  for (const sourceId of deleted) operations.push({ deleteOne: { filter: { sourceId } as unknown as Filter<T> } });
  await bulkWriteIgnoringDuplicates(db.collection<T>(name), operations);
}

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

const ofCollection = (changes: readonly SourceChange[], collection: SourceCollection) => changes.filter((c) => c.collection === collection);

/**
 * Keep the read models of products, campaigns and stock positions in step with
 * a batch of source changes: newest version wins (by the source's `updatedAt`),
 * deletes remove the row. Idempotent and safe against re-delivery of older
 * versions. Sales orders and ledger rows are not mirrored (see recordFacts).
 *
 * @example await mirrorReferenceData(analyticsDb, [{ collection: 'stockPositions', operationType: 'update', documentKey: { _id }, fullDocument: position, clusterTime: null }])
 */
export async function mirrorReferenceData(db: Db, changes: readonly SourceChange[]): Promise<void> {
  const campaignChanges = ofCollection(changes, 'campaigns');
  await Promise.all([
    mirror(db, FACT_COLLECTIONS.productsMirror, ofCollection(changes, 'products'), productRow),
    mirror(db, FACT_COLLECTIONS.campaignsMirror, campaignChanges, campaignRow),
    mirror(db, FACT_COLLECTIONS.stockReadModel, ofCollection(changes, 'stockPositions'), positionRow),
  ]);
  await extendCoverage(db, campaignChanges);
}

/** Campaign rows parsed from changes; shared with recordFacts (campaignFactKeys), which turns campaign changes into fact keys. */
export { campaignRow as campaignMirrorRow };
