import { RequestDayKeySchema, SeasonalityProfileSchema } from '@icc/shared';
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

/** `GET /api/internal/analytics/seasonality-data` answer. */
export const SeasonalityListSchema = z.object({ items: z.array(SeasonalityProfileSchema) });
