import { buildBusiness } from './business.js';
import { dayNumber } from './calendar.js';
import { simulate } from './simulate.js';
import type { Demo, DemoOptions } from './types.js';

export type * from './types.js';
export { dayKey, dayNumber } from './calendar.js';

/**
 * A whole demo business and its day-by-day history, ending on `endDay`.
 * Pure: no clock, no database; the same options give byte-identical output.
 *
 * @example
 *   const demo = generateDemo({ seed: 42, products: 500, days: 730, endDay: '2026-05-01' });
 *   demo.history.length // 730
 *   demo.stats.unitsDemanded === demo.stats.unitsSold + demo.stats.unitsUnserved // true
 */
export function generateDemo(options: DemoOptions): Demo {
  if (!Number.isInteger(options.products) || options.products < 1) throw new RangeError('products must be a positive integer');
  if (!Number.isInteger(options.days) || options.days < 1) throw new RangeError('days must be a positive integer');
  const lastDay = dayNumber(options.endDay);
  const firstDay = lastDay - options.days + 1;
  const business = buildBusiness(options, firstDay);
  return { business, ...simulate(business, options.seed, firstDay, lastDay) };
}
