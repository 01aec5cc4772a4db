import { Schema, type Connection, type HydratedDocument } from 'mongoose';
import { PRODUCT_STATUSES, type Product, type StoredProduct } from '@icc/shared';
import { tenantScopePlugin } from '../tenancy/tenant-scope.plugin.js';

const productSchema = new Schema<StoredProduct>(
  {
    sku: { type: String, required: true, immutable: true },
    name: { type: String, required: true },
    category: { type: String, required: true },
    subCategory: { type: String },
    brand: { type: String },
    unit: { type: String, required: true },
    price: { type: Number, required: true, min: 0 },
    cost: { type: Number, required: true, min: 0 },
    reorderPoint: { type: Number, required: true, min: 0 },
    safetyStock: { type: Number, required: true, min: 0 },
    leadTimeDays: { type: Number, required: true, min: 0 },
    attributes: { type: Schema.Types.Mixed, default: {} },
    status: { type: String, enum: PRODUCT_STATUSES, required: true },
    deletedAt: { type: Date },
  },
  { timestamps: true, versionKey: false, minimize: false },
);
productSchema.plugin(tenantScopePlugin);
productSchema.index({ tenantId: 1, sku: 1 }, { unique: true });
productSchema.index({ tenantId: 1, category: 1, sku: 1 });
productSchema.index({ tenantId: 1, name: 1 });

/** A stored product: the shape is shared's (service-analytics reads the same documents). */
export type ProductRecord = StoredProduct;
export type ProductDocument = HydratedDocument<ProductRecord>;

export function productModel(connection: Connection) {
  return connection.model<ProductRecord>('Product', productSchema, 'products');
}

/** The API's view of a stored product. */
export function toProduct(doc: ProductRecord & { _id: unknown }): Product {
  return {
    id: String(doc._id),
    sku: doc.sku,
    name: doc.name,
    category: doc.category,
    ...(doc.subCategory ? { subCategory: doc.subCategory } : {}),
    ...(doc.brand ? { brand: doc.brand } : {}),
    unit: doc.unit,
    price: doc.price,
    cost: doc.cost,
    reorderPoint: doc.reorderPoint,
    safetyStock: doc.safetyStock,
    leadTimeDays: doc.leadTimeDays,
    attributes: doc.attributes ?? {},
    status: doc.status,
    ...(doc.deletedAt ? { deletedAt: doc.deletedAt.toISOString() } : {}),
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}
