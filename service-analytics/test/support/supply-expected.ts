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
  return {
    suppliers: byId(
      suppliers.map((s) => ({
        _id: `${s.tenantId}:${s.code}`,
        sourceId: String(s._id),
        tenantId: s.tenantId,
        code: s.code,
        name: s.name,
        status: s.status ?? 'active',
        defaultLeadTimeDays: s.defaultLeadTimeDays,
        updatedAt: orEpoch(s.updatedAt),
      })),
    ),
    productSuppliers: byId(
      links.map((l) => ({
        _id: `${l.tenantId}:${l.supplierCode}:${l.sku}`,
        sourceId: String(l._id),
        tenantId: l.tenantId,
        supplierCode: l.supplierCode,
        sku: l.sku,
        unitCost: l.unitCost,
        minimumOrderQuantity: l.minimumOrderQuantity,
        packSize: l.packSize,
        leadTimeDays: l.leadTimeDays ?? null,
        preferred: l.preferred ?? false,
        updatedAt: orEpoch(l.updatedAt),
      })),
    ),
    locations: byId(
      locations.map((l) => ({
        _id: `${l.tenantId}:${l.code}`,
        sourceId: String(l._id),
        tenantId: l.tenantId,
        code: l.code,
        name: l.name,
        type: l.type,
        timeZone: l.timeZone,
        status: l.status ?? 'active',
        updatedAt: orEpoch(l.updatedAt),
      })),
    ),
    purchaseOrders: byId(
      orders.map((po) => ({
        _id: String(po._id),
        sourceId: String(po._id),
        tenantId: po.tenantId,
        poNumber: po.poNumber,
        supplierCode: po.supplierCode,
        locationCode: po.locationCode,
        status: po.status,
        expectedDate: po.expectedDate,
        orderedAt: po.orderedAt ?? null,
        receivedAt: po.receivedAt ?? null,
        lastReceivedAt: po.lastReceivedAt ?? null,
        source: { type: po.source.type, id: po.source.id ?? null },
        lines: (po.lines as Document[]).map((l) => {
          const receivedQuantity = l.receivedQuantity ?? 0;
          const open = STILL_DELIVERING.has(po.status) ? Math.max(0, l.quantity - receivedQuantity) : 0;
          return { line: l.line, sku: l.sku, quantity: l.quantity, unitCost: l.unitCost, receivedQuantity, openQuantity: open };
        }),
        createdAt: orEpoch(po.createdAt),
        updatedAt: orEpoch(po.updatedAt),
      })),
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
