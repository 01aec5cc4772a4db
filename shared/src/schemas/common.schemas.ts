import { z } from 'zod';
import { utcDayNumber } from '../dates/utc-days.js';

/**
 * Input bounds. A client's mistake is a 400 naming the field, decided here
 * before anything reaches MongoDB (which refuses a NUL in a key or a regex
 * with an error that would surface as a 500) or the day arithmetic (which
 * throws RangeError on a day that does not exist).
 */
export const INPUT_LIMITS = {
  /** Largest price, cost or unit price, in the tenant's currency unit (kept to cents, see money.ts). */
  maxMoney: 10_000_000,
  /** Most units one line, one adjustment or one stock level may name. */
  maxQuantity: 1_000_000,
  /** Most lines one order may have. */
  maxOrderLines: 500,
  /** Earliest and latest day a request may name (both included): a plausible business calendar. */
  firstDay: '2000-01-01',
  lastDay: '2100-12-31',
} as const;

/** A C0 control character (U+0000–U+001F) or DEL: never part of an identifier or a one-line text. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

const hasNoNul = (text: string) => !text.includes('\u0000');
const hasNoControlCharacter = (text: string) => !hasControlCharacter(text);

/**
 * Free text that may span lines (notes, addresses): trimmed, 1–`max`
 * characters, never a NUL (no text needs one, and MongoDB refuses it in
 * keys and regular expressions).
 *
 * @example textSchema(1_000).parse('  two\nlines ') // 'two\nlines'
 */
export function textSchema(max: number, min = 1) {
  return z.string().refine(hasNoNul, 'must not contain a null character').trim().min(min).max(max);
}

/**
 * One line of text (names, reasons, search terms): as `textSchema`, and no
 * control character at all. Checked before trimming, so `"recount\n"` is
 * refused rather than silently changed.
 *
 * @example lineSchema(80).safeParse('a\tb').success // false
 */
export function lineSchema(max: number, min = 1, tooShort?: string) {
  return z.string().refine(hasNoControlCharacter, 'must not contain control characters').trim().min(min, tooShort).max(max);
}

/** A product's stock-keeping unit: the key people use, unique per tenant, never changed. */
export const SkuSchema = z
  .string()
  // Not trimmed: a SKU with stray whitespace or a control character is refused, not silently changed.
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-", starting with a letter or digit')
  // `/api/products/low-stock` is a route, so no product may be called that.
  .refine((sku) => sku.toLowerCase() !== 'low-stock', '"low-stock" is reserved');

/** A short code people use for suppliers, locations and customers, unique per tenant. */
export const CodeSchema = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-", starting with a letter or digit');

export const ObjectIdSchema = z.string().regex(/^[0-9a-f]{24}$/i, 'must be a 24-character hexadecimal id');

/** Money in the tenant's currency unit; non-negative, at most 10,000,000, with at most 4 decimals. */
export const MoneySchema = z
  .number()
  .finite()
  .nonnegative()
  .max(INPUT_LIMITS.maxMoney)
  .refine((n) => Math.abs(Math.round(n * 10_000) - n * 10_000) < 1e-6, 'at most 4 decimal places');

/** A count of units (0–1,000,000). Stock is kept in whole units of the product's unit of measure. */
export const QuantitySchema = z.number().int().min(0).max(INPUT_LIMITS.maxQuantity);
export const PositiveQuantitySchema = z.number().int().min(1).max(INPUT_LIMITS.maxQuantity);

/**
 * An attribute name. Attributes are stored as a sub-document, so a name is a
 * MongoDB field name: no leading `$` (an operator), no `.` (a path), no NUL
 * (BSON refuses it) and no other control character.
 */
const AttributeKeySchema = z
  .string()
  .min(1)
  .max(64)
  .refine((key) => !key.startsWith('$') && !key.includes('.') && hasNoControlCharacter(key), 'must not start with "$" or contain "." or control characters');

/** Free-form attributes: flat, JSON-safe values only, so they index and diff predictably. */
export const AttributesSchema = z
  .record(
    AttributeKeySchema,
    z.union([z.string().max(1_000).refine(hasNoNul, 'must not contain a null character'), z.number().finite(), z.boolean(), z.null()]),
  )
  .refine((attrs) => Object.keys(attrs).length <= 50, 'at most 50 attributes');

/** An instant with its offset, as stored and answered (any year). Requests use `RequestDateTimeSchema`. */
export const IsoDateTimeSchema = z.iso.datetime({ offset: true });

const FIRST_INSTANT = Date.parse(`${INPUT_LIMITS.firstDay}T00:00:00Z`);
const END_INSTANT = Date.parse(`${INPUT_LIMITS.lastDay}T00:00:00Z`) + 86_400_000;

/**
 * An instant a request names: ISO 8601 with offset, between 2000-01-01 and
 * 2100-12-31 (UTC). Year 0000 or 9999 is a typo, not a plan, and bounding the
 * year keeps every comparison of these values meaningful.
 */
export const RequestDateTimeSchema = IsoDateTimeSchema.refine((value) => {
  const t = Date.parse(value);
  return t >= FIRST_INSTANT && t < END_INSTANT;
}, `must be between ${INPUT_LIMITS.firstDay} and ${INPUT_LIMITS.lastDay}`);

/** A real calendar day: `YYYY-MM-DD` naming a day that exists (not 2026-02-30). */
function isCalendarDay(key: string): boolean {
  try {
    utcDayNumber(key);
    return true;
  } catch {
    return false;
  }
}

/**
 * A UTC calendar day, `YYYY-MM-DD` (see dates/utc-days.ts), that exists: the
 * pattern alone lets `2026-02-30` and `9999-99-99` through to day arithmetic,
 * which throws. Stored and answered days use this; requests use `RequestDayKeySchema`.
 */
export const DayKeySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD')
  .refine(isCalendarDay, 'not a calendar day');

/**
 * A day a request names: a real calendar day from 2000-01-01 to 2100-12-31.
 * Inside that range every key has four digits, so string order is day order.
 *
 * @example RequestDayKeySchema.safeParse('2026-02-30').success // false
 */
export const RequestDayKeySchema = DayKeySchema.refine(
  (key) => key >= INPUT_LIMITS.firstDay && key <= INPUT_LIMITS.lastDay,
  `must be between ${INPUT_LIMITS.firstDay} and ${INPUT_LIMITS.lastDay}`,
);

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
