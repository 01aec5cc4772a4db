export interface EoqInput {
  /** Units a year. */
  annualDemand: number;
  /** Cost of placing one order. */
  orderingCost: number;
  unitCost: number;
  /** Share of a unit's cost it costs to hold it a year. */
  holdingCostRate: number;
}

/**
 * Economic order quantity √(2·D·S / H), H = unit cost × holding cost rate
 * (Harris 1913; Silver, Pyke & Thomas §4.2). No demand → 0.
 *
 * @example eoq({ annualDemand: 1200, orderingCost: 100, unitCost: 24, holdingCostRate: 0.25 }) // 200: H = 6
 */
export function eoq({ annualDemand, orderingCost, unitCost, holdingCostRate }: EoqInput): number {
  const holding = unitCost * holdingCostRate;
  if (!(holding > 0)) throw new RangeError(`holding cost per unit-year must be positive, got ${holding}`);
  if (!(annualDemand > 0) || !(orderingCost > 0)) return 0;
  return Math.sqrt((2 * annualDemand * orderingCost) / holding);
}

/**
 * The quantity a supplier accepts: nothing for nothing, else at least its
 * minimum order quantity, then up to a whole number of packs. A minimum that is
 * not itself a multiple of the pack rounds up with it.
 *
 * @example roundToSupplier(37, 50, 12) // 60: up to the minimum 50, then to 5 packs of 12
 * @example roundToSupplier(0.4, 1, 1) // 1
 */
export function roundToSupplier(quantity: number, minimumOrderQuantity: number, packSize: number): number {
  if (!(quantity > 0)) return 0;
  const pack = packSize >= 1 ? packSize : 1;
  const wanted = Math.max(quantity, minimumOrderQuantity);
  return Math.ceil(wanted / pack) * pack;
}
