import { z } from 'zod';
import {
  AttributesSchema,
  IsoDateTimeSchema,
  MoneySchema,
  PageQuerySchema,
  QuantitySchema,
  QueryBooleanSchema,
  RecordMetaSchema,
  SkuSchema,
  lineSchema,
  pageSchema,
} from './common.schemas.js';

export const PRODUCT_STATUSES = ['active', 'inactive', 'discontinued'] as const;

const productFields = {
  name: lineSchema(200),
  category: lineSchema(80),
  subCategory: lineSchema(80).optional(),
  brand: lineSchema(80).optional(),
  /** Unit of measure stock is counted in: `each`, `kg`, `box`, ... */
  unit: lineSchema(16).default('each'),
  price: MoneySchema,
  cost: MoneySchema,
  /** Reorder when available stock at a location falls below this. */
  reorderPoint: QuantitySchema.default(0),
  safetyStock: QuantitySchema.default(0),
  leadTimeDays: z.number().int().min(0).max(365).default(7),
  attributes: AttributesSchema.default({}),
};

export const CreateProductSchema = z.object({ sku: SkuSchema, ...productFields, status: z.enum(['active', 'inactive']).default('active') }).strict();
export type CreateProduct = z.infer<typeof CreateProductSchema>;

/** Every field but the SKU can change; the SKU is the product's identity everywhere. */
export const UpdateProductSchema = z
  .object({
    name: productFields.name,
    category: productFields.category,
    subCategory: productFields.subCategory.unwrap().nullable(),
    brand: productFields.brand.unwrap().nullable(),
    unit: lineSchema(16),
    price: MoneySchema,
    cost: MoneySchema,
    reorderPoint: QuantitySchema,
    safetyStock: QuantitySchema,
    leadTimeDays: z.number().int().min(0).max(365),
    attributes: AttributesSchema,
    status: z.enum(['active', 'inactive']),
  })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'give at least one field to change');
export type UpdateProduct = z.infer<typeof UpdateProductSchema>;

export const ProductSchema = RecordMetaSchema.extend({
  sku: SkuSchema,
  name: z.string(),
  category: z.string(),
  subCategory: z.string().optional(),
  brand: z.string().optional(),
  unit: z.string(),
  price: z.number(),
  cost: z.number(),
  reorderPoint: z.number().int(),
  safetyStock: z.number().int(),
  leadTimeDays: z.number().int(),
  attributes: AttributesSchema,
  status: z.enum(PRODUCT_STATUSES),
  deletedAt: IsoDateTimeSchema.optional(),
});
export type Product = z.infer<typeof ProductSchema>;

export const PRODUCT_SORT_FIELDS = ['sku', 'name', 'category', 'price', 'createdAt'] as const;

export const ListProductsQuerySchema = PageQuerySchema.extend({
  sort: z.enum(PRODUCT_SORT_FIELDS).default('sku'),
  category: lineSchema(80).optional(),
  brand: lineSchema(80).optional(),
  status: z.enum(PRODUCT_STATUSES).optional(),
  /** Substring of the name or SKU, case-insensitive. */
  search: lineSchema(80).optional(),
  /** Include soft-deleted (discontinued) products; default false. */
  includeDeleted: QueryBooleanSchema.optional(),
}).strict();
export type ListProductsQuery = z.infer<typeof ListProductsQuerySchema>;

export const ProductPageSchema = pageSchema(ProductSchema);
