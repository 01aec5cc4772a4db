import { z } from 'zod';

/** A product's stock-keeping unit: the key people use, unique per tenant, never changed. */
export const SkuSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-", starting with a letter or digit')
  // `/api/products/low-stock` is a route, so no product may be called that.
  .refine((sku) => sku.toLowerCase() !== 'low-stock', '"low-stock" is reserved');

/** A short code people use for suppliers, locations and customers, unique per tenant. */
export const CodeSchema = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-", starting with a letter or digit');

export const ObjectIdSchema = z.string().regex(/^[0-9a-f]{24}$/i, 'must be a 24-character hexadecimal id');

/** Money in the tenant's currency; non-negative with at most 4 decimals. */
export const MoneySchema = z
  .number()
  .finite()
  .nonnegative()
  .refine((n) => Math.abs(Math.round(n * 10_000) - n * 10_000) < 1e-6, 'at most 4 decimal places');

/** A count of units. Stock is kept in whole units of the product's unit of measure. */
export const QuantitySchema = z.number().int().min(0).max(1_000_000_000);
export const PositiveQuantitySchema = z.number().int().min(1).max(1_000_000_000);

/** Free-form attributes: flat, JSON-safe values only, so they index and diff predictably. */
export const AttributesSchema = z
  .record(z.string().min(1).max(64), z.union([z.string().max(1_000), z.number().finite(), z.boolean(), z.null()]))
  .refine((attrs) => Object.keys(attrs).length <= 50, 'at most 50 attributes');

export const IsoDateTimeSchema = z.iso.datetime({ offset: true });

/** Query-string booleans: `true`/`false`/`1`/`0` only (not "anything non-empty is true"). */
export const QueryBooleanSchema = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

/**
 * Cursor pagination shared by every list: `limit` (1–200, default 50) and the
 * opaque `cursor` from the previous page's `nextCursor`.
 */
export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: z.string().min(1).max(512).optional(),
  order: z.enum(['asc', 'desc']).default('asc'),
});

/** A page of a list; `nextCursor` is null on the last page. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const IdParamsSchema = z.object({ id: ObjectIdSchema }).strict();
export const SkuParamsSchema = z.object({ sku: SkuSchema }).strict();

/** Fields every stored record reports. */
export const RecordMetaSchema = z.object({
  id: z.string(),
  createdAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
});
