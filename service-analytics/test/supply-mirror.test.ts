/**
 * The supply mirrors (suppliers, product–supplier links, locations, purchase
 * orders) as the pipeline's mirror step writes them, on the real engine:
 * fields and keys, newest version wins, deletes, tenants kept apart, and the
 * readers' tolerance of older documents.
 */
import type { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { FACT_COLLECTIONS } from '../src/facts/fact-collections.js';
import { ensureFactIndexes } from '../src/facts/fact-indexes.js';
import { mirrorReferenceData } from '../src/facts/reference-mirror.js';
import type { LocationMirrorDoc, ProductSupplierMirrorDoc, PurchaseOrderMirrorDoc, SupplierMirrorDoc } from '../src/facts/supply-mirror.js';
import { changeOf, deleteOf, location, productSupplier, purchaseOrder, supplier } from './support/source-builders.js';
import { testDatabases } from './support/test-databases.js';

const databases = testDatabases('supply_mirror');
const freshDb = () => databases.fresh(ensureFactIndexes);

describe('supply mirrors', () => {
  it('suppliers: keyed by tenant and code, newest version wins, a re-delivered older one is ignored, a delete removes the row', async () => {
    const db = await freshDb();
    const mirror = db.collection<SupplierMirrorDoc>(FACT_COLLECTIONS.suppliersMirror);
    const acme = supplier({ tenantId: 't1', code: 'SUP-1', updatedAt: '2026-03-01T00:00:00Z' });
    const other = supplier({ tenantId: 't2', code: 'SUP-1', defaultLeadTimeDays: 30, updatedAt: '2026-03-01T00:00:00Z' });
    const renamed = { ...acme, name: 'Acme Parts', defaultLeadTimeDays: 12, status: 'inactive' as const, updatedAt: new Date('2026-03-02T00:00:00Z') };
    await mirrorReferenceData(db, [changeOf('suppliers', acme, 'insert'), changeOf('suppliers', other, 'insert'), changeOf('suppliers', renamed)]);
    await mirrorReferenceData(db, [changeOf('suppliers', acme, 'insert')]); // re-delivered, older
    expect(await mirror.find().sort({ _id: 1 }).toArray()).toEqual([
      {
        _id: 't1:SUP-1',
        sourceId: String(acme._id),
        tenantId: 't1',
        code: 'SUP-1',
        name: 'Acme Parts',
        status: 'inactive',
        defaultLeadTimeDays: 12,
        updatedAt: new Date('2026-03-02T00:00:00Z'),
      },
      {
        _id: 't2:SUP-1',
        sourceId: String(other._id),
        tenantId: 't2',
        code: 'SUP-1',
        name: 'Supplier SUP-1',
        status: 'active',
        defaultLeadTimeDays: 30,
        updatedAt: new Date('2026-03-01T00:00:00Z'),
      },
    ]);
    await mirrorReferenceData(db, [deleteOf('suppliers', acme._id)]);
    expect(
      await mirror
        .find()
        .map((s) => s._id)
        .toArray(),
    ).toEqual(['t2:SUP-1']);
  });

  it('a supplier deleted and re-created under the same code in one batch keeps the new one, whatever its clock says', async () => {
    const db = await freshDb();
    const first = supplier({ code: 'SUP-1', updatedAt: '2026-03-05T00:00:00Z' });
    const again = supplier({ code: 'SUP-1', defaultLeadTimeDays: 4, updatedAt: '2026-03-04T00:00:00Z' });
    await mirrorReferenceData(db, [changeOf('suppliers', first, 'insert')]);
    await mirrorReferenceData(db, [deleteOf('suppliers', first._id), changeOf('suppliers', again, 'insert')]);
    expect(await db.collection<SupplierMirrorDoc>(FACT_COLLECTIONS.suppliersMirror).find().toArray()).toMatchObject([
      { _id: 't1:SUP-1', sourceId: String(again._id), defaultLeadTimeDays: 4 },
    ]);
  });

  it('product–supplier links: keyed by tenant, supplier and SKU; an absent or null lead time is null (the supplier default applies)', async () => {
    const db = await freshDb();
    const mirror = db.collection<ProductSupplierMirrorDoc>(FACT_COLLECTIONS.productSuppliersMirror);
    const own = productSupplier({ supplierCode: 'SUP-1', sku: 'A-1', leadTimeDays: 9, preferred: true });
    const byDefault = productSupplier({ supplierCode: 'SUP-2', sku: 'A-1', leadTimeDays: null });
    const { leadTimeDays: _dropped, ...absent } = productSupplier({ tenantId: 't2', supplierCode: 'SUP-1', sku: 'A-1' });
    await mirrorReferenceData(db, [
      changeOf('productSuppliers', own, 'insert'),
      changeOf('productSuppliers', byDefault, 'insert'),
      changeOf('productSuppliers', absent, 'insert'),
    ]);
    expect(await mirror.find().sort({ _id: 1 }).toArray()).toEqual([
      {
        _id: 't1:SUP-1:A-1',
        sourceId: String(own._id),
        tenantId: 't1',
        supplierCode: 'SUP-1',
        sku: 'A-1',
        unitCost: 6.5,
        minimumOrderQuantity: 24,
        packSize: 12,
        leadTimeDays: 9,
        preferred: true,
        updatedAt: new Date('2026-01-01T00:00:00Z'),
      },
      expect.objectContaining({ _id: 't1:SUP-2:A-1', leadTimeDays: null, preferred: false }),
      expect.objectContaining({ _id: 't2:SUP-1:A-1', tenantId: 't2', leadTimeDays: null }),
    ]);
    // The planning read: a SKU's suppliers within one tenant only.
    expect(await mirror.countDocuments({ tenantId: 't1', sku: 'A-1' })).toBe(2);
    await mirrorReferenceData(db, [changeOf('productSuppliers', { ...own, unitCost: 7.25, updatedAt: new Date('2026-02-01T00:00:00Z') })]);
    expect(await mirror.findOne({ _id: 't1:SUP-1:A-1' })).toMatchObject({ unitCost: 7.25 });
    await mirrorReferenceData(db, [deleteOf('productSuppliers', byDefault._id)]);
    expect(await mirror.countDocuments({ tenantId: 't1' })).toBe(1);
  });

  it('locations: fields as stored, a missing status is active, a document without timestamps orders first', async () => {
    const db = await freshDb();
    const { status: _status, updatedAt: _updated, createdAt: _created, ...legacy } = location({ code: 'WH1' });
    await mirrorReferenceData(db, [changeOf('locations', legacy, 'insert')]);
    const mirror = db.collection<LocationMirrorDoc>(FACT_COLLECTIONS.locationsMirror);
    expect(await mirror.findOne({ _id: 't1:WH1' })).toEqual({
      _id: 't1:WH1',
      sourceId: String(legacy._id),
      tenantId: 't1',
      code: 'WH1',
      name: 'Warehouse WH1',
      type: 'warehouse',
      timeZone: 'Europe/Berlin',
      status: 'active',
      updatedAt: new Date(0),
    });
    await mirrorReferenceData(db, [changeOf('locations', { ...legacy, name: 'Main', status: 'inactive', updatedAt: new Date('2026-03-01T00:00:00Z') })]);
    await mirrorReferenceData(db, [changeOf('locations', legacy)]); // the unstamped version again: older
    expect(await mirror.findOne({ _id: 't1:WH1' })).toMatchObject({ name: 'Main', status: 'inactive' });
  });

  it('purchase orders: keyed by source id, with the open quantity per line while the status can still deliver', async () => {
    const db = await freshDb();
    const mirror = db.collection<PurchaseOrderMirrorDoc>(FACT_COLLECTIONS.purchaseOrdersMirror);
    const lines = [
      { sku: 'A-1', quantity: 48, received: 24 },
      { sku: 'A-2', quantity: 10 },
    ];
    const base = { supplierCode: 'SUP-1', expectedDate: '2026-03-10T00:00:00Z', lines };
    const partial = purchaseOrder({
      ...base,
      status: 'partiallyReceived',
      orderedAt: '2026-03-01T00:00:00Z',
      lastReceivedAt: '2026-03-09T00:00:00Z',
      source: { type: 'recommendation', id: 'rec-1' },
    });
    const byStatus = (['draft', 'ordered', 'received', 'cancelled'] as const).map((status) => purchaseOrder({ ...base, status }));
    // A status the operational side may add later: nothing open is assumed.
    const closed = { ...purchaseOrder({ ...base, status: 'ordered' }), status: 'closed' };
    await mirrorReferenceData(
      db,
      [partial, ...byStatus, closed].map((po) => changeOf('purchaseOrders', po, 'insert')),
    );

    expect(await mirror.findOne({ _id: String(partial._id) })).toEqual({
      _id: String(partial._id),
      sourceId: String(partial._id),
      tenantId: 't1',
      poNumber: partial.poNumber,
      supplierCode: 'SUP-1',
      locationCode: 'WH1',
      status: 'partiallyReceived',
      expectedDate: new Date('2026-03-10T00:00:00Z'),
      orderedAt: new Date('2026-03-01T00:00:00Z'),
      receivedAt: null,
      lastReceivedAt: new Date('2026-03-09T00:00:00Z'),
      source: { type: 'recommendation', id: 'rec-1' },
      lines: [
        { line: 0, sku: 'A-1', quantity: 48, unitCost: 5, receivedQuantity: 24, openQuantity: 24 },
        { line: 1, sku: 'A-2', quantity: 10, unitCost: 5, receivedQuantity: 0, openQuantity: 10 },
      ],
      createdAt: new Date('2026-01-01T00:00:00Z'),
      updatedAt: new Date('2026-01-01T00:00:00Z'),
    });
    const open = async (id: ObjectId) => (await mirror.findOne({ _id: String(id) }))?.lines.map((l) => l.openQuantity);
    expect(await Promise.all(byStatus.map((po) => open(po._id)))).toEqual([
      [24, 10], // draft
      [24, 10], // ordered
      [0, 0], // received
      [0, 0], // cancelled
    ]);
    expect(await open(closed._id)).toEqual([0, 0]);
    expect((await mirror.findOne({ _id: String(byStatus[0]!._id) }))?.source).toEqual({ type: 'manual', id: null });

    // The reads planning makes, each one tenant's.
    expect(await mirror.countDocuments({ tenantId: 't1', status: 'ordered' })).toBe(1);
    expect(await mirror.countDocuments({ tenantId: 't1', 'lines.sku': 'A-2' })).toBe(6);
    expect(await mirror.countDocuments({ tenantId: 't2', 'lines.sku': 'A-2' })).toBe(0);
    expect(await mirror.countDocuments({ tenantId: 't1', 'source.id': 'rec-1' })).toBe(1);

    // Received in full later: nothing open; then deleted.
    const done = { ...partial, status: 'received' as const, receivedAt: new Date('2026-03-11T00:00:00Z'), updatedAt: new Date('2026-03-11T00:00:00Z') };
    done.lines = partial.lines.map((l) => ({ ...l, receivedQuantity: l.quantity }));
    await mirrorReferenceData(db, [changeOf('purchaseOrders', done)]);
    expect(await open(partial._id)).toEqual([0, 0]);
    await mirrorReferenceData(db, [deleteOf('purchaseOrders', partial._id)]);
    expect(await mirror.findOne({ _id: String(partial._id) })).toBeNull();
    expect(await mirror.countDocuments()).toBe(5);
  });

  it('skips a document of unexpected shape and mirrors the rest of the batch', async () => {
    const db = await freshDb();
    const good = supplier({ code: 'SUP-1' });
    const { defaultLeadTimeDays: _missing, ...bad } = supplier({ code: 'SUP-2' });
    await mirrorReferenceData(db, [changeOf('suppliers', bad, 'insert'), changeOf('suppliers', good, 'insert')]);
    expect(
      await db
        .collection(FACT_COLLECTIONS.suppliersMirror)
        .find()
        .map((s) => s._id)
        .toArray(),
    ).toEqual(['t1:SUP-1']);
  });
});
