import type { PurchaseOrderStatus } from '@icc/shared';
import type { Db } from 'mongodb';
import type { SourceChange } from '../cdc/cdc.types.js';
import { FACT_COLLECTIONS } from './fact-collections.js';
import { mirror, ofCollection, rowOf } from './mirror-writes.js';
import { SourceLocationSchema, SourceProductSupplierSchema, SourcePurchaseOrderSchema, SourceSupplierSchema } from './source-documents.js';

/**
 * The supply side planning reads: suppliers, what each sells at which terms,
 * locations and purchase orders, mirrored from the operational collections
 * like products and stock (mirror-writes.ts: newest `updatedAt` wins, deletes
 * remove the row). Statuses and types are kept as the source writes them.
 */

/** A supplier, keyed `${tenantId}:${code}` (codes are unique per tenant). */
export interface SupplierMirrorDoc {
  _id: string;
  sourceId: string;
  tenantId: string;
  code: string;
  name: string;
  status: string;
  defaultLeadTimeDays: number;
  updatedAt: Date;
}

/** What one supplier charges for one SKU and how it sells it, keyed `${tenantId}:${supplierCode}:${sku}`. */
export interface ProductSupplierMirrorDoc {
  _id: string;
  sourceId: string;
  tenantId: string;
  supplierCode: string;
  sku: string;
  unitCost: number;
  minimumOrderQuantity: number;
  packSize: number;
  /** Null: the supplier's `defaultLeadTimeDays` applies. */
  leadTimeDays: number | null;
  preferred: boolean;
  updatedAt: Date;
}

/** A location, keyed `${tenantId}:${code}`. */
export interface LocationMirrorDoc {
  _id: string;
  sourceId: string;
  tenantId: string;
  code: string;
  name: string;
  type: string;
  timeZone: string;
  status: string;
  updatedAt: Date;
}

export interface PurchaseOrderLineMirror {
  line: number;
  sku: string;
  quantity: number;
  unitCost: number;
  receivedQuantity: number;
  /** What may still arrive: quantity − received (never below 0) while the order can deliver, else 0 (see DELIVERING_PURCHASE_ORDER_STATUSES). */
  openQuantity: number;
}

/** A purchase order, keyed by its source id. */
export interface PurchaseOrderMirrorDoc {
  _id: string;
  sourceId: string;
  tenantId: string;
  poNumber: string;
  supplierCode: string;
  locationCode: string;
  status: string;
  expectedDate: Date;
  orderedAt: Date | null;
  /** When the receipt that completed the order came. */
  receivedAt: Date | null;
  /** The newest receipt's time, partial ones included; null before any (and on orders stored before the field existed). */
  lastReceivedAt: Date | null;
  /** What created it: `{ type: 'manual', id: null }`, or `{ type: 'recommendation', id }`. */
  source: { type: string; id: string | null };
  lines: PurchaseOrderLineMirror[];
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Statuses whose outstanding lines may still arrive: drafts (not yet on order:
 * the operational stock counts only `ordered` and `partiallyReceived` as on
 * order, so a reader wanting that filters by status) and orders not fully
 * received. Any other status — received, cancelled, or one the operational
 * side adds later, such as a `closed` — leaves nothing open.
 */
export const DELIVERING_PURCHASE_ORDER_STATUSES: readonly string[] = ['draft', 'ordered', 'partiallyReceived'] satisfies PurchaseOrderStatus[];

const supplierRow = rowOf(SourceSupplierSchema, (s, sourceId): SupplierMirrorDoc => ({ _id: `${s.tenantId}:${s.code}`, sourceId, ...s }));

const productSupplierRow = rowOf(SourceProductSupplierSchema, (l, sourceId): ProductSupplierMirrorDoc => ({
  _id: `${l.tenantId}:${l.supplierCode}:${l.sku}`,
  sourceId,
  ...l,
}));

const locationRow = rowOf(SourceLocationSchema, (l, sourceId): LocationMirrorDoc => ({ _id: `${l.tenantId}:${l.code}`, sourceId, ...l }));

const purchaseOrderRow = rowOf(SourcePurchaseOrderSchema, (po, sourceId): PurchaseOrderMirrorDoc => {
  const delivering = DELIVERING_PURCHASE_ORDER_STATUSES.includes(po.status);
  const lines = po.lines.map((l) => ({ ...l, openQuantity: delivering ? Math.max(0, l.quantity - l.receivedQuantity) : 0 }));
  return { _id: sourceId, sourceId, ...po, lines };
});

/**
 * Keep the supply read models in step with a batch of source changes:
 * suppliers, product–supplier links, locations and purchase orders.
 * Idempotent and safe against re-delivery of older versions.
 *
 * @example await mirrorSupplyData(analyticsDb, [{ collection: 'purchaseOrders', operationType: 'update', documentKey: { _id }, fullDocument: po, clusterTime: null }])
 */
export async function mirrorSupplyData(db: Db, changes: readonly SourceChange[]): Promise<void> {
  await Promise.all([
    mirror(db, FACT_COLLECTIONS.suppliersMirror, ofCollection(changes, 'suppliers'), supplierRow),
    mirror(db, FACT_COLLECTIONS.productSuppliersMirror, ofCollection(changes, 'productSuppliers'), productSupplierRow),
    mirror(db, FACT_COLLECTIONS.locationsMirror, ofCollection(changes, 'locations'), locationRow),
    mirror(db, FACT_COLLECTIONS.purchaseOrdersMirror, ofCollection(changes, 'purchaseOrders'), purchaseOrderRow),
  ]);
}
