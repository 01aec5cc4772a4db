import { RequestDayKeySchema, SeasonalityDataQuerySchema, SeasonalityProfileSchema } from '@icc/shared';
import { z } from 'zod';

/** Trend window bounds: two weeks is the least a slope says anything about; two years the most a dashboard asks. */
export const TREND_DAYS = { min: 14, max: 730, default: 182 } as const;

/** `GET /api/analytics/trends/:sku` query. */
export const TrendQuerySchema = z
  .object({
    days: z.coerce.number().int().min(TREND_DAYS.min).max(TREND_DAYS.max).default(TREND_DAYS.default).describe('window length in days, ending at `end`'),
    end: RequestDayKeySchema.optional().describe("last day of the window; default: the SKU's latest fact day"),
  })
  .strict();

/** `GET /api/analytics/seasonality/:sku` takes no query parameters (strict, so a typo is a 400, not ignored). */
export const SeasonalityQuerySchema = z.object({}).strict();

/**
 * SKUs profiled per seasonality-data request: each reads up to three years of
 * daily facts, so 1,000 at once took seconds and slowed every other tenant.
 */
export const SEASONALITY_DATA_LIMIT = { max: 100, default: 50 } as const;

/** `GET /api/internal/analytics/seasonality-data` query: shared filters, a lower `limit`, a `cursor` for the unlisted form. */
export const SeasonalityDataPageQuerySchema = SeasonalityDataQuerySchema.extend({
  limit: z.coerce.number().int().min(1).max(SEASONALITY_DATA_LIMIT.max).default(SEASONALITY_DATA_LIMIT.default),
  cursor: z.string().min(1).max(512).optional().describe('nextCursor of the previous page (without skus)'),
}).strict();

/** `GET /api/internal/analytics/seasonality-data` answer; `nextCursor` is null on the last page and when SKUs are listed. */
export const SeasonalityListSchema = z.object({ items: z.array(SeasonalityProfileSchema), nextCursor: z.string().nullable() });
