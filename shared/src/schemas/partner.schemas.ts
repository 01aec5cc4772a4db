import { z } from 'zod';
import {
  AttributesSchema,
  CodeSchema,
  MoneySchema,
  ObjectIdSchema,
  PageQuerySchema,
  PositiveQuantitySchema,
  RecordMetaSchema,
  SkuSchema,
  lineSchema,
  pageSchema,
  textSchema,
} from './common.schemas.js';

// Suppliers, the product–supplier links and customers: the business's partners.

const contactFields = {
  contactName: lineSchema(120).optional(),
  email: z.email().max(200).optional(),
  phone: lineSchema(40, 3).optional(),
  address: textSchema(400).optional(),
};

export const CreateSupplierSchema = z
  .object({
    code: CodeSchema,
    name: lineSchema(200),
    ...contactFields,
    defaultLeadTimeDays: z.number().int().min(0).max(365).default(14),
    attributes: AttributesSchema.default({}),
  })
  .strict();
export type CreateSupplier = z.infer<typeof CreateSupplierSchema>;

// Update schemas restate the fields that have a create-time default without it:
// `.partial()` keeps defaults, which would silently reset fields a client did not send.
export const UpdateSupplierSchema = CreateSupplierSchema.omit({ code: true })
  .extend({
    defaultLeadTimeDays: z.number().int().min(0).max(365),
    attributes: AttributesSchema,
    status: z.enum(['active', 'inactive']),
  })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'give at least one field to change');

export const SupplierSchema = RecordMetaSchema.extend({
  code: z.string(),
  name: z.string(),
  contactName: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  address: z.string().optional(),
  defaultLeadTimeDays: z.number().int(),
  attributes: AttributesSchema,
  status: z.enum(['active', 'inactive']),
});
export type Supplier = z.infer<typeof SupplierSchema>;

export const ListSuppliersQuerySchema = PageQuerySchema.extend({
  sort: z.enum(['code', 'name', 'createdAt']).default('code'),
  status: z.enum(['active', 'inactive']).optional(),
  search: lineSchema(80).optional(),
}).strict();

/** What one supplier charges for one product, and how it sells it. */
export const LinkProductSchema = z
  .object({
    sku: SkuSchema,
    unitCost: MoneySchema,
    minimumOrderQuantity: PositiveQuantitySchema.default(1),
    packSize: PositiveQuantitySchema.default(1),
    /** Overrides the supplier's default lead time for this product. */
    leadTimeDays: z.number().int().min(0).max(365).optional(),
    preferred: z.boolean().default(false),
    supplierSku: lineSchema(64).optional(),
  })
  .strict();
export type LinkProduct = z.infer<typeof LinkProductSchema>;

export const ProductSupplierSchema = RecordMetaSchema.extend({
  supplierId: ObjectIdSchema,
  supplierCode: z.string(),
  sku: SkuSchema,
  unitCost: z.number(),
  minimumOrderQuantity: z.number().int(),
  packSize: z.number().int(),
  leadTimeDays: z.number().int(),
  preferred: z.boolean(),
  supplierSku: z.string().optional(),
});
export type ProductSupplier = z.infer<typeof ProductSupplierSchema>;

export const SupplierPerformanceSchema = z.object({
  supplierId: ObjectIdSchema,
  supplierCode: z.string(),
  purchaseOrdersReceived: z.number().int(),
  /** Share of received purchase orders that arrived by their expected date; null with none received. */
  onTimeRate: z.number().nullable(),
  averageDelayDays: z.number().nullable(),
  /** Units received ÷ units ordered over received and partially received orders. */
  fillRate: z.number().nullable(),
});
export type SupplierPerformance = z.infer<typeof SupplierPerformanceSchema>;

export const CUSTOMER_SEGMENTS = ['retail', 'wholesale', 'online', 'corporate', 'vip'] as const;

export const CreateCustomerSchema = z
  .object({
    code: CodeSchema,
    name: lineSchema(200),
    segment: z.enum(CUSTOMER_SEGMENTS),
    ...contactFields,
    attributes: AttributesSchema.default({}),
  })
  .strict();
export type CreateCustomer = z.infer<typeof CreateCustomerSchema>;

export const UpdateCustomerSchema = CreateCustomerSchema.omit({ code: true })
  .extend({ attributes: AttributesSchema })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'give at least one field to change');

export const CustomerSchema = RecordMetaSchema.extend({
  code: z.string(),
  name: z.string(),
  segment: z.enum(CUSTOMER_SEGMENTS),
  contactName: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  address: z.string().optional(),
  attributes: AttributesSchema,
});
export type Customer = z.infer<typeof CustomerSchema>;

export const ListCustomersQuerySchema = PageQuerySchema.extend({
  sort: z.enum(['code', 'name', 'createdAt']).default('code'),
  segment: z.enum(CUSTOMER_SEGMENTS).optional(),
  search: lineSchema(80).optional(),
}).strict();

export const SupplierPageSchema = pageSchema(SupplierSchema);
export const CustomerPageSchema = pageSchema(CustomerSchema);
