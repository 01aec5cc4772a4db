/**
 * Writes the supply side of an operational database with the bare driver, as
 * service-operational stores it (suppliers, product–supplier links,
 * locations, purchase orders through their lifecycle: draft → ordered →
 * partially received → received, or cancelled). Purchase orders are written
 * alone, without the stock movements a placement or receipt also commits:
 * the tests using this check the supply mirrors, and leave stock and facts
 * to source-writer.ts. Every write is one change event; each method returns
 * how many it caused (0 when the step did not apply).
 */
import type { StoredLocation, StoredProductSupplier, StoredPurchaseOrder, StoredSupplier } from '@icc/shared';
import { ObjectId, type Db, type Document, type UpdateResult } from 'mongodb';

/**
 * The fields a new document takes from `defaults`: those `set` does not name (MongoDB refuses a path in both
 * `$set` and `$setOnInsert`). The upsert gives it an ObjectId `_id` (embedded-mongo refuses `_id` in a
 * `$setOnInsert` that matches an existing document, which mongod ignores).
 */
const onInsert = (defaults: Record<string, unknown>, set: object, at: Date) => ({
  ...Object.fromEntries(Object.entries(defaults).filter(([field]) => !(field in set))),
  createdAt: at,
});

/** The change events an update caused (0 when its filter matched nothing). */
const changed = (result: UpdateResult) => result.modifiedCount + result.upsertedCount;

export interface SupplyWriterOptions {
  tenantId: string;
  /** The time each write is stamped with (`updatedAt`); a test clock keeps versions apart. */
  clock: () => Date;
}

/**
 * A writer bound to one operational database and one tenant.
 *
 * @example
 *   const supply = supplyWriter(db, { tenantId: 'acme', clock: () => new Date() });
 *   await supply.upsertSupplier('SUP-1', { name: 'Acme Parts' });
 *   const id = await supply.createPurchaseOrder({ supplierCode: 'SUP-1', lines: [{ sku: 'A-1', quantity: 10 }], expectedDate });
 *   await supply.receive(id, [4]);
 */
export function supplyWriter(db: Db, options: SupplyWriterOptions) {
  const { tenantId, clock } = options;
  const orders = db.collection<StoredPurchaseOrder>('purchaseOrders');
  let poCounter = 0;

  async function order(id: ObjectId): Promise<StoredPurchaseOrder> {
    const found = await orders.findOne({ _id: id });
    if (!found) throw new Error(`supply-writer: no purchase order ${String(id)}`);
    return found;
  }

  /** Create the tenant's document matching `key` from `defaults`, or change it by `set`; `updatedAt` moves either way. */
  async function upsert(collection: string, key: Document, set: Document, defaults: Document): Promise<number> {
    const at = clock();
    const update = { $set: { ...set, updatedAt: at }, $setOnInsert: onInsert(defaults, set, at) };
    return changed(await db.collection(collection).updateOne({ tenantId, ...key }, update, { upsert: true }));
  }

  const remove = async (collection: string, key: Document) => (await db.collection(collection).deleteOne({ tenantId, ...key })).deletedCount;

  return {
    tenantId,

    upsertSupplier: (code: string, set: Partial<Pick<StoredSupplier, 'name' | 'defaultLeadTimeDays' | 'status'>> = {}) =>
      upsert('suppliers', { code }, set, { name: `Supplier ${code}`, defaultLeadTimeDays: 10, attributes: {}, status: 'active' }),
    deleteSupplier: (code: string) => remove('suppliers', { code }),

    upsertLink: (supplierCode: string, sku: string, set: Partial<Pick<StoredProductSupplier, 'unitCost' | 'leadTimeDays' | 'preferred'>> = {}) =>
      upsert('productSuppliers', { supplierCode, sku }, set, {
        supplierId: new ObjectId(),
        minimumOrderQuantity: 12,
        packSize: 6,
        unitCost: 4,
        preferred: false,
      }),
    deleteLink: (supplierCode: string, sku: string) => remove('productSuppliers', { supplierCode, sku }),

    upsertLocation: (code: string, set: Partial<Pick<StoredLocation, 'name' | 'status' | 'timeZone'>> = {}) =>
      upsert('locations', { code }, set, { name: `Location ${code}`, type: 'warehouse', timeZone: 'UTC', attributes: {}, status: 'active' }),
    deleteLocation: (code: string) => remove('locations', { code }),

    /** A draft, as `draftPurchaseOrder` makes it. */
    async createPurchaseOrder(spec: {
      supplierCode: string;
      locationCode?: string;
      lines: ReadonlyArray<{ sku: string; quantity: number }>;
      expectedDate: Date;
      source?: StoredPurchaseOrder['source'];
    }): Promise<ObjectId> {
      const at = clock();
      poCounter += 1;
      const lines = spec.lines.map((l, index) => ({ line: index, sku: l.sku, quantity: l.quantity, unitCost: 4, receivedQuantity: 0 }));
      const _id = new ObjectId();
      await orders.insertOne({
        _id,
        tenantId,
        poNumber: `PO-${tenantId}-${String(poCounter).padStart(5, '0')}`,
        supplierId: new ObjectId(),
        supplierCode: spec.supplierCode,
        locationCode: spec.locationCode ?? 'WH1',
        status: 'draft',
        lines,
        totalCost: lines.reduce((sum, l) => sum + l.quantity * l.unitCost, 0),
        expectedDate: spec.expectedDate,
        orderedAt: null,
        receivedAt: null,
        lastReceivedAt: null,
        source: spec.source ?? { type: 'manual' },
        receipts: [],
        statusHistory: [{ status: 'draft', at }],
        createdAt: at,
        updatedAt: at,
      });
      return _id;
    },

    async place(id: ObjectId): Promise<number> {
      const at = clock();
      return changed(
        await orders.updateOne(
          { _id: id, status: 'draft' },
          { $set: { status: 'ordered', orderedAt: at, updatedAt: at }, $push: { statusHistory: { status: 'ordered', at } } },
        ),
      );
    },

    /** Receive `quantities[i]` on line i (capped at what is outstanding); received once every line is. Only placed orders receive. */
    async receive(id: ObjectId, quantities: readonly number[], receivedAt = clock()): Promise<number> {
      const po = await order(id);
      if (po.status !== 'ordered' && po.status !== 'partiallyReceived') return 0;
      const lines = po.lines.map((l, i) => ({ ...l, receivedQuantity: Math.min(l.quantity, l.receivedQuantity + (quantities[i] ?? 0)) }));
      const complete = lines.every((l) => l.receivedQuantity === l.quantity);
      const status = complete ? 'received' : 'partiallyReceived';
      const lastReceivedAt = po.lastReceivedAt && po.lastReceivedAt > receivedAt ? po.lastReceivedAt : receivedAt;
      return changed(
        await orders.updateOne(
          { _id: id, status: po.status },
          {
            $set: { status, lines, lastReceivedAt, ...(complete ? { receivedAt } : {}), updatedAt: clock() },
            $push: {
              receipts: { at: receivedAt, lines: lines.map((l, i) => ({ line: l.line, quantity: quantities[i] ?? 0 })) },
              statusHistory: { status, at: receivedAt },
            },
          },
        ),
      );
    },

    async cancel(id: ObjectId): Promise<number> {
      const at = clock();
      return changed(
        await orders.updateOne(
          { _id: id, status: { $in: ['draft', 'ordered', 'partiallyReceived'] } },
          { $set: { status: 'cancelled', updatedAt: at }, $push: { statusHistory: { status: 'cancelled', at } } },
        ),
      );
    },

    deletePurchaseOrder: (id: ObjectId) => remove('purchaseOrders', { _id: id }),
  };
}

export type SupplyWriter = ReturnType<typeof supplyWriter>;
