import type { AbcClass } from './policy.types.js';

/** Cumulative revenue shares that close class A and class B; the rest is C. */
export const ABC_THRESHOLDS = { A: 0.8, B: 0.95 } as const;

/** Fill rates by class when neither the rule nor the tenant's settings give one. */
export const DEFAULT_SERVICE_LEVELS: Readonly<Record<AbcClass, number>> = { A: 0.98, B: 0.95, C: 0.9 };

/**
 * ABC classes by revenue (Pareto): SKUs ranked by revenue, highest first; a
 * SKU is A while the revenue ranked above it is under 80 % of the total (so
 * the SKU that crosses 80 % is still A), B while under 95 %, else C. SKUs
 * without revenue are C; equal revenues rank by SKU, so the answer does not
 * depend on the input's order.
 *
 * @example abcClasses({ X: 70, Y: 20, Z: 6, W: 4 }) // { X: 'A', Y: 'A', Z: 'B', W: 'C' }: above Y 70 %, above Z 90 %, above W 96 %
 */
export function abcClasses(revenueBySku: Readonly<Record<string, number>>): Record<string, AbcClass> {
  const ranked = Object.entries(revenueBySku)
    .map(([sku, revenue]) => ({ sku, revenue: revenue > 0 ? revenue : 0 }))
    .sort((a, b) => b.revenue - a.revenue || (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  const total = ranked.reduce((sum, r) => sum + r.revenue, 0);
  const classes: Record<string, AbcClass> = {};
  let above = 0;
  for (const { sku, revenue } of ranked) {
    const shareAbove = total > 0 ? above / total : 1;
    classes[sku] = revenue === 0 ? 'C' : shareAbove < ABC_THRESHOLDS.A ? 'A' : shareAbove < ABC_THRESHOLDS.B ? 'B' : 'C';
    above += revenue;
  }
  return classes;
}

/**
 * The fill rate a class aims at: the tenant's setting for the class, else the default.
 *
 * @example defaultServiceLevel('B') // 0.95
 * @example defaultServiceLevel('B', { B: 0.97 }) // 0.97
 */
export function defaultServiceLevel(abcClass: AbcClass, tenantLevels: Partial<Record<AbcClass, number>> = {}): number {
  return tenantLevels[abcClass] ?? DEFAULT_SERVICE_LEVELS[abcClass];
}
