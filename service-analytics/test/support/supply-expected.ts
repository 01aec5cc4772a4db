/**
 * What the supply mirrors must hold, restated from the operational documents
 * as they are now (not by calling the mirror code): one row per document,
 * keyed as supply-mirror.ts documents, with the open quantity of the
 * purchase-order lines by the stated rule. Tests compare the mirrors the
 * pipeline wrote with this.
 */
import type { Db, Document } from 'mongodb';
import { FACT_COLLECTIONS } from '../../src/facts/fact-collections.js';

const byId = (rows: Document[]) => rows.sort((a, b) => (String(a._id) < String(b._id) ? -1 : String(a._id) > String(b._id) ? 1 : 0));
const orEpoch = (at: Date | undefined) => at ?? new Date(0);
const STILL_DELIVERING = new Set(['draft', 'ordered', 'partiallyReceived']);

export interface SupplyMirrors {
  suppliers: Document[];
  productSuppliers: Document[];
  locations: Document[];
  purchaseOrders: Document[];
}

/** The rows each supply mirror should hold for the operational database's documents, sorted by `_id`. */
export async function expectedSupplyMirrors(operational: Db): Promise<SupplyMirrors> {
  const all = (name: string) => operational.collection(name).find().toArray();
  const [suppliers, links, locations, orders] = await Promise.all([all('suppliers'), all('productSuppliers'), all('locations'), all('purchaseOrders')]);
  /** The row of `doc` under `key`: the named fields as stored, plus the source id, tenant and version every row has. */
  const row = (doc: Document, key: string, copied: string[], extra: Document = {}) => ({
    _id: key,
    sourceId: String(doc._id),
    tenantId: doc.tenantId,
    ...Object.fromEntries(copied.map((field) => [field, doc[field]])),
    ...extra,
    updatedAt: orEpoch(doc.updatedAt),
  });
  const openLine = (status: string) => (l: Document) => {
    const receivedQuantity = l.receivedQuantity ?? 0;
    const openQuantity = STILL_DELIVERING.has(status) ? Math.max(0, l.quantity - receivedQuantity) : 0;
    return { line: l.line, sku: l.sku, quantity: l.quantity, unitCost: l.unitCost, receivedQuantity, openQuantity };
  };
  return {
    suppliers: byId(suppliers.map((s) => row(s, `${s.tenantId}:${s.code}`, ['code', 'name', 'defaultLeadTimeDays'], { status: s.status ?? 'active' }))),
    productSuppliers: byId(
      links.map((l) =>
        row(l, `${l.tenantId}:${l.supplierCode}:${l.sku}`, ['supplierCode', 'sku', 'unitCost', 'minimumOrderQuantity', 'packSize'], {
          leadTimeDays: l.leadTimeDays ?? null,
          preferred: l.preferred ?? false,
        }),
      ),
    ),
    locations: byId(locations.map((l) => row(l, `${l.tenantId}:${l.code}`, ['code', 'name', 'type', 'timeZone'], { status: l.status ?? 'active' }))),
    purchaseOrders: byId(
      orders.map((po) =>
        row(po, String(po._id), ['poNumber', 'supplierCode', 'locationCode', 'status', 'expectedDate'], {
          orderedAt: po.orderedAt ?? null,
          receivedAt: po.receivedAt ?? null,
          lastReceivedAt: po.lastReceivedAt ?? null,
          source: { type: po.source.type, id: po.source.id ?? null },
          lines: (po.lines as Document[]).map(openLine(po.status)),
          createdAt: orEpoch(po.createdAt),
        }),
      ),
    ),
  };
}

/** What the supply mirrors hold, sorted by `_id`, in the same shape. */
export async function storedSupplyMirrors(analytics: Db): Promise<SupplyMirrors> {
  const all = async (name: string) => byId(await analytics.collection(name).find().toArray());
  const [suppliers, productSuppliers, locations, purchaseOrders] = await Promise.all([
    all(FACT_COLLECTIONS.suppliersMirror),
    all(FACT_COLLECTIONS.productSuppliersMirror),
    all(FACT_COLLECTIONS.locationsMirror),
    all(FACT_COLLECTIONS.purchaseOrdersMirror),
  ]);
  return { suppliers, productSuppliers, locations, purchaseOrders };
}
