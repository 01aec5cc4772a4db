import type { Rng } from './rng.js';
import type { DemoLink, DemoLocation, DemoProduct, DemoSupplier, StockPolicy } from './types.js';

/** Over-dispersion of daily demand (negative binomial shape): variance = μ + μ²/k. */
export const DISPERSION = 4;
/** Mean units of a slow mover's selling day. */
export const SLOW_MOVER_UNITS = 1.3;

const ORDER_COST = 25; // per purchase-order line, in currency
const HOLDING_RATE = 0.25; // per year, share of unit cost
// Service-level factors the planner chose per ABC class (≈ 84 %, 79 %, 69 % cycle service): lean stock, so peaks run out.
const PLANNING_ERROR = 0.3;
const SERVICE_Z = { A: 1.0, B: 0.8, C: 0.5 } as const;

/**
 * What the planner set up: per product and location, a reorder point
 * s = planned mean demand over the lead time + safety stock, and an order-up-to level
 * S = s + an economic order quantity (rounded to the supplier's pack, at least
 * its minimum order). The plan knows each supplier's lead time and lateness and
 * each item's long-run mean up to a forecast error, but not seasons, trends or
 * campaigns — which is why stock still runs out, at peaks most. Fills each product's
 * reorderPoint, safetyStock and ABC class (by planned revenue) as it goes.
 *
 * @example planPolicies(products, links, suppliers, LOCATIONS, rng)[0] // { sku: 'BEV-0001', locationCode: 'DC-RTM', reorderPoint: 14, orderUpTo: 62, ... }
 */
export function planPolicies(products: DemoProduct[], links: DemoLink[], suppliers: DemoSupplier[], locations: DemoLocation[], rng: Rng): StockPolicy[] {
  const revenue = products.map((p) => p.price * (p.demand.slowMover ? 0.05 : p.demand.base));
  const ranked = [...revenue].sort((a, b) => b - a);
  const cutA = ranked[Math.floor(products.length * 0.2)] ?? 0;
  const cutB = ranked[Math.floor(products.length * 0.5)] ?? 0;
  const policies: StockPolicy[] = [];
  products.forEach((product, i) => {
    const abc = revenue[i]! >= cutA ? 'A' : revenue[i]! >= cutB ? 'B' : 'C';
    product.attributes.abc = abc;
    const link = links.find((l) => l.sku === product.sku && l.preferred)!;
    const supplier = suppliers.find((s) => s.code === link.supplierCode)!;
    const r = rng.fork(product.sku);
    const mine: StockPolicy[] = locations.map((location) => {
      // Each location sells a product a bit more or less than its share of the business.
      const affinity = Math.exp(0.35 * r.normal());
      const demandMean = product.demand.slowMover ? r.between(0.01, 0.06) * SLOW_MOVER_UNITS : product.demand.base * location.share * affinity;
      // The planner's estimate is off by a forecast error of about ±30 %.
      const meanDaily = demandMean * Math.exp(PLANNING_ERROR * r.normal());
      const variance = meanDaily + (meanDaily * meanDaily) / DISPERSION;
      const lead = link.leadTimeDays;
      const leadSpread = supplier.delayMeanDays * Math.sqrt(1 - supplier.onTimeRate);
      const sigma = Math.sqrt(lead * variance + Math.pow(meanDaily * leadSpread, 2));
      const safetyStock = Math.ceil(SERVICE_Z[abc] * sigma);
      const reorderPoint = Math.max(1, Math.ceil(meanDaily * lead + safetyStock));
      const eoq = Math.sqrt((2 * meanDaily * 365 * ORDER_COST) / (HOLDING_RATE * Math.max(0.1, link.unitCost)));
      const quantity = Math.min(Math.max(eoq, meanDaily * 7, 1), Math.max(meanDaily * 45, 2));
      const packed = Math.max(link.minimumOrderQuantity, Math.ceil(quantity / link.packSize) * link.packSize);
      return { sku: product.sku, locationCode: location.code, demandMean, plannedMean: meanDaily, safetyStock, reorderPoint, orderUpTo: reorderPoint + packed };
    });
    product.reorderPoint = Math.round(mine.reduce((n, p) => n + p.reorderPoint, 0) / mine.length);
    product.safetyStock = Math.round(mine.reduce((n, p) => n + p.safetyStock, 0) / mine.length);
    policies.push(...mine);
  });
  return policies;
}
