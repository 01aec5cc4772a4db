import type { AnyBulkWriteOperation, Db } from 'mongodb';
import type { SourceChange } from '../cdc/cdc.types.js';
import { bulkWriteIgnoringDuplicates } from '../util/bulk-writes.js';
import { FACT_COLLECTIONS } from './fact-collections.js';
import { ofCollection } from './mirror-writes.js';
import { parseSource, SourceSalesOrderBackordersSchema } from './source-documents.js';

/**
 * Back-ordered demand per sales order, the part of the inventory position
 * (on hand + on order + in transit − reserved − back-ordered) the stock read
 * model cannot hold: confirmed sales order lines the operational service
 * could not reserve and keeps waiting for stock (line status `backordered`,
 * `backorderedQuantity`). One row per sales order that has or had such lines,
 * keyed by its source id, newest `updatedAt` wins like every mirror
 * (mirror-writes.ts):
 * - an order with back-ordered lines is upserted over an older (or no) row;
 * - an order without any only updates a row that exists (to no lines), so the
 *   mirror holds only orders that were ever back-ordered, not every order of
 *   the history, and a row keeps its version guard once written;
 * - a delete removes the row.
 * Counted only while the order is `confirmed` (shipping or cancelling an order
 * closes its back-ordered lines, as the operational availability counts them).
 */
export interface BackorderMirrorDoc {
  _id: string;
  sourceId: string;
  tenantId: string;
  locationCode: string;
  status: string;
  /** Back-ordered quantity per SKU of this order (empty: none any more). */
  lines: { sku: string; quantity: number }[];
  updatedAt: Date;
}

function backorderRow(doc: unknown): BackorderMirrorDoc | null {
  const order = parseSource(SourceSalesOrderBackordersSchema, doc);
  if (!order) return null;
  const bySku = new Map<string, number>();
  if (order.status === 'confirmed') {
    for (const line of order.lines) {
      if (line.status === 'backordered' && line.backorderedQuantity > 0) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.backorderedQuantity);
    }
  }
  return {
    _id: order._id,
    sourceId: order._id,
    tenantId: order.tenantId,
    locationCode: order.locationCode,
    status: order.status,
    lines: [...bySku].map(([sku, quantity]) => ({ sku, quantity })),
    updatedAt: order.updatedAt,
  };
}

/**
 * Keep the back-order mirror in step with a batch's sales-order changes:
 * idempotent, and a re-delivered older version never overwrites a newer one.
 *
 * @example await mirrorBackorders(analyticsDb, changes)
 */
export async function mirrorBackorders(db: Db, changes: readonly SourceChange[]): Promise<void> {
  const orders = ofCollection(changes, 'salesOrders');
  if (orders.length === 0) return;
  const newest = new Map<string, BackorderMirrorDoc>();
  const deleted = new Set<string>();
  for (const change of orders) {
    if (change.operationType === 'delete') {
      deleted.add(String(change.documentKey._id));
      continue;
    }
    const row = change.fullDocument ? backorderRow(change.fullDocument) : null;
    if (!row) continue;
    const known = newest.get(row._id);
    if (!known || known.updatedAt <= row.updatedAt) newest.set(row._id, row);
  }
  const collection = db.collection<BackorderMirrorDoc>(FACT_COLLECTIONS.backordersMirror);
  await bulkWriteIgnoringDuplicates(
    collection,
    [...deleted].map((_id) => ({ deleteOne: { filter: { _id } } })),
  );
  const writes: AnyBulkWriteOperation<BackorderMirrorDoc>[] = [];
  for (const row of newest.values()) {
    if (deleted.has(row._id)) continue;
    const { _id, ...fields } = row;
    // Newer (or equal) versions only: with no back-orders, touch only a row that exists (an upsert would add one per order of the history).
    writes.push({ updateOne: { filter: { _id, updatedAt: { $lte: row.updatedAt } }, update: { $set: fields }, upsert: row.lines.length > 0 } });
  }
  // A newer stored row makes the guarded upsert collide on `_id`: ignored, the newer state stands.
  await bulkWriteIgnoringDuplicates(collection, writes);
}

/**
 * Back-ordered quantity per `${sku}\u0000${locationCode}` of some SKUs of a
 * tenant (planning's position).
 *
 * @example await backorderedBySkuLocation(db, 'acme', ['SKU-1']) // Map { 'SKU-1\u0000WH-1' => 12 }
 */
export async function backorderedBySkuLocation(db: Db, tenantId: string, skus: readonly string[]): Promise<Map<string, number>> {
  const rows = await db
    .collection<BackorderMirrorDoc>(FACT_COLLECTIONS.backordersMirror)
    .aggregate<{ _id: { sku: string; locationCode: string }; quantity: number }>([
      { $match: { tenantId, 'lines.sku': { $in: [...skus] } } },
      { $unwind: '$lines' },
      { $match: { 'lines.sku': { $in: [...skus] } } },
      { $group: { _id: { sku: '$lines.sku', locationCode: '$locationCode' }, quantity: { $sum: '$lines.quantity' } } },
    ])
    .toArray();
  return new Map(rows.map((r) => [`${r._id.sku}\u0000${r._id.locationCode}`, r.quantity]));
}
