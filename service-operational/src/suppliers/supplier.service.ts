import { AppError, type CreateSupplier, type LinkProduct, type Page, type ProductSupplier, type Supplier, type SupplierPerformance } from '@icc/shared';
import type { z } from 'zod';
import type { ListSuppliersQuerySchema, UpdateSupplierSchema } from '@icc/shared';
import type { Models } from '../db/models.js';
import { containsText, findPage } from '../db/pagination.js';
import type { PurchaseOrderRecord } from '../purchase-orders/purchase-order.model.js';
import { supplierPerformance } from '../purchase-orders/supplier-performance.js';
import { toProductSupplier, toSupplier, type ProductSupplierRecord, type SupplierRecord } from './supplier.model.js';

/** Suppliers and what they sell us. Performance is filled from received purchase orders. */
export function createSupplierService(models: Models) {
  async function load(id: string): Promise<SupplierRecord> {
    const supplier = await models.Supplier.findById(id).lean<SupplierRecord>();
    if (!supplier) throw new AppError('NOT_FOUND', `Supplier ${id} does not exist`);
    return supplier;
  }

  return {
    async create(input: CreateSupplier): Promise<Supplier> {
      if (await models.Supplier.exists({ code: input.code })) {
        throw new AppError('CONFLICT', `A supplier with code ${input.code} already exists`);
      }
      return toSupplier((await models.Supplier.create(input)).toObject());
    },

    async get(id: string): Promise<Supplier> {
      return toSupplier(await load(id));
    },

    list(query: z.infer<typeof ListSuppliersQuerySchema>): Promise<Page<Supplier>> {
      const filter: Record<string, unknown> = {};
      if (query.status) filter.status = query.status;
      if (query.search) filter.$or = [{ name: containsText(query.search) }, { code: containsText(query.search) }];
      return findPage(models.Supplier, filter, query, (d) => toSupplier(d as SupplierRecord), { uniqueSort: query.sort === 'code' });
    },

    async update(id: string, changes: z.infer<typeof UpdateSupplierSchema>): Promise<Supplier> {
      const updated = await models.Supplier.findByIdAndUpdate(id, { $set: changes }, { returnDocument: 'after', runValidators: true }).lean<SupplierRecord>();
      if (!updated) throw new AppError('NOT_FOUND', `Supplier ${id} does not exist`);
      return toSupplier(updated);
    },

    /** Link (or re-price) a product for this supplier; one link per supplier × SKU. */
    async linkProduct(id: string, input: LinkProduct): Promise<ProductSupplier> {
      const supplier = await load(id);
      if (!(await models.Product.exists({ sku: input.sku }))) throw new AppError('NOT_FOUND', `Product ${input.sku} does not exist`);
      if (input.preferred) {
        // One preferred supplier per product: the new one takes over.
        await models.ProductSupplier.updateMany({ sku: input.sku, supplierId: { $ne: supplier._id } }, { $set: { preferred: false } });
      }
      const link = await models.ProductSupplier.findOneAndUpdate(
        { supplierId: supplier._id, sku: input.sku },
        { $set: { ...input, supplierCode: supplier.code } },
        { returnDocument: 'after', upsert: true, runValidators: true },
      ).lean<ProductSupplierRecord>();
      return toProductSupplier(link, supplier.defaultLeadTimeDays);
    },

    async products(id: string): Promise<ProductSupplier[]> {
      const supplier = await load(id);
      const links = await models.ProductSupplier.find({ supplierId: supplier._id }).sort({ sku: 1 }).limit(5_000).lean<ProductSupplierRecord[]>();
      return links.map((link) => toProductSupplier(link, supplier.defaultLeadTimeDays));
    },

    /** Delivery performance from this supplier's purchase orders (null rates until some are closed). */
    async performance(id: string): Promise<SupplierPerformance> {
      const supplier = await load(id);
      const orders = await models.PurchaseOrder.find(
        { supplierId: supplier._id, status: { $in: ['received', 'cancelled', 'partiallyReceived'] } },
        { status: 1, expectedDate: 1, receivedAt: 1, lines: 1 },
      ).lean<PurchaseOrderRecord[]>();
      return {
        supplierId: String(supplier._id),
        supplierCode: supplier.code,
        ...supplierPerformance(
          orders.map((o) => ({
            status: o.status,
            expectedDate: o.expectedDate,
            receivedAt: o.receivedAt,
            ordered: o.lines.reduce((n, l) => n + l.quantity, 0),
            received: o.lines.reduce((n, l) => n + l.receivedQuantity, 0),
          })),
        ),
      };
    },
  };
}

export type SupplierService = ReturnType<typeof createSupplierService>;
