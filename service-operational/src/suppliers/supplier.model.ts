import { Schema, type Connection } from 'mongoose';
import type { ProductSupplier, StoredProductSupplier, StoredSupplier, Supplier } from '@icc/shared';
import { tenantScopePlugin } from '../tenancy/tenant-scope.plugin.js';

const supplierSchema = new Schema<StoredSupplier>(
  {
    code: { type: String, required: true, immutable: true },
    name: { type: String, required: true },
    contactName: String,
    email: String,
    phone: String,
    address: String,
    defaultLeadTimeDays: { type: Number, required: true, min: 0 },
    attributes: { type: Schema.Types.Mixed, default: {} },
    status: { type: String, enum: ['active', 'inactive'], required: true, default: 'active' },
  },
  { timestamps: true, versionKey: false, minimize: false },
);
supplierSchema.plugin(tenantScopePlugin);
supplierSchema.index({ tenantId: 1, code: 1 }, { unique: true });
supplierSchema.index({ tenantId: 1, name: 1 });

/** What one supplier charges for one product; at most one link per supplier × SKU. */
const productSupplierSchema = new Schema<StoredProductSupplier>(
  {
    supplierId: { type: Schema.Types.ObjectId, required: true },
    supplierCode: { type: String, required: true },
    sku: { type: String, required: true },
    unitCost: { type: Number, required: true, min: 0 },
    minimumOrderQuantity: { type: Number, required: true, min: 1 },
    packSize: { type: Number, required: true, min: 1 },
    leadTimeDays: { type: Number, min: 0 },
    preferred: { type: Boolean, required: true, default: false },
    supplierSku: String,
  },
  { timestamps: true, versionKey: false },
);
productSupplierSchema.plugin(tenantScopePlugin);
productSupplierSchema.index({ tenantId: 1, supplierId: 1, sku: 1 }, { unique: true });
productSupplierSchema.index({ tenantId: 1, sku: 1 });

/** Stored suppliers and product–supplier links: the shapes are shared's (planning will read the same documents). */
export type SupplierRecord = StoredSupplier;
export type ProductSupplierRecord = StoredProductSupplier;

export function supplierModel(connection: Connection) {
  return connection.model<Omit<SupplierRecord, '_id'>>('Supplier', supplierSchema, 'suppliers');
}
export function productSupplierModel(connection: Connection) {
  return connection.model<Omit<ProductSupplierRecord, '_id'>>('ProductSupplier', productSupplierSchema, 'productSuppliers');
}

const optional = <K extends string>(key: K, value: string | null | undefined) => (value ? { [key]: value } : {});

export function toSupplier(doc: SupplierRecord): Supplier {
  return {
    id: String(doc._id),
    code: doc.code,
    name: doc.name,
    ...optional('contactName', doc.contactName),
    ...optional('email', doc.email),
    ...optional('phone', doc.phone),
    ...optional('address', doc.address),
    defaultLeadTimeDays: doc.defaultLeadTimeDays,
    attributes: doc.attributes ?? {},
    status: doc.status,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

/** A link, with the lead time resolved: the link's own, else the supplier's default. */
export function toProductSupplier(doc: ProductSupplierRecord, supplierLeadTimeDays: number): ProductSupplier {
  return {
    id: String(doc._id),
    supplierId: String(doc.supplierId),
    supplierCode: doc.supplierCode,
    sku: doc.sku,
    unitCost: doc.unitCost,
    minimumOrderQuantity: doc.minimumOrderQuantity,
    packSize: doc.packSize,
    leadTimeDays: doc.leadTimeDays ?? supplierLeadTimeDays,
    preferred: doc.preferred,
    ...optional('supplierSku', doc.supplierSku),
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}
