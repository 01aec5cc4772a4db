import { addUtcDays, utcDaysBetween, type DayKey } from '@icc/shared';
import type { CostSettings, SupplierOption } from './policy.types.js';

/** Landed costs within this share of the cheapest count as equal: the preferred supplier then wins. */
export const LANDED_COST_TIE = 0.01;

/** One supplier as planning would use it for this SKU × location. */
export interface SupplierCandidate {
  supplier: SupplierOption;
  /** Effective lead time and its spread. */
  leadTimeDays: number;
  leadTimeStdDays: number;
  /** Safety stock it needs at the rule's fill rate, and what it would need with no lead-time spread. */
  safetyStock: number;
  safetyStockWithoutSpread: number;
  /** Units one order brings. */
  cycleQuantity: number;
}

/** Cost per unit bought, in parts (money per unit). */
export interface LandedCost {
  total: number;
  unitCost: number;
  /** Ordering cost ÷ units per order. */
  ordering: number;
  /** Holding the cycle stock (Q/2) and the safety stock, per unit of annual demand. */
  holding: number;
  /** Of `holding`: the extra safety stock the supplier's lead-time spread forces. */
  unreliability: number;
}

/**
 * Cost per unit of buying from a supplier, beyond its price: the ordering
 * cost spread over an order, and a year of holding its cycle stock (Q/2) and
 * safety stock spread over a year's demand (Silver, Pyke & Thomas §4.2's total
 * relevant cost per unit). A longer or less reliable lead time raises the
 * safety stock, and so the cost; `unreliability` is the share the lead-time
 * spread alone causes.
 *
 * @example landedCost(candidate, 1200, { holdingCostRate: 0.25, orderingCost: 25 }) // { total: 10.43, unitCost: 10, ordering: 0.25, … }
 */
export function landedCost(candidate: SupplierCandidate, annualDemand: number, costs: CostSettings): LandedCost {
  const { supplier, cycleQuantity } = candidate;
  const yearly = Math.max(annualDemand, cycleQuantity, 1);
  const holdingPerUnitYear = supplier.unitCost * costs.holdingCostRate;
  const safety = Math.max(0, candidate.safetyStock);
  const ordering = cycleQuantity > 0 ? costs.orderingCost / cycleQuantity : costs.orderingCost;
  const holding = (holdingPerUnitYear * (cycleQuantity / 2 + safety)) / yearly;
  const unreliability = (holdingPerUnitYear * Math.max(0, safety - Math.max(0, candidate.safetyStockWithoutSpread))) / yearly;
  return { total: supplier.unitCost + ordering + holding, unitCost: supplier.unitCost, ordering, holding, unreliability };
}

export interface SupplierChoice {
  candidate: SupplierCandidate;
  landed: LandedCost;
  /** The preferred supplier's landed cost, when there is one (for the savings). */
  preferredLanded: LandedCost | null;
  reason: string;
}

/**
 * Pick the supplier: among those whose order placed today would arrive by the
 * projected stock-out date (all of them when none is projected), the lowest
 * landed cost, the preferred one winning within {@link LANDED_COST_TIE}; when
 * none arrives in time, the fastest (then the cheapest). The reason gives the
 * numbers. Candidates must not be empty.
 *
 * @example chooseSupplier({ today, stockoutDate: null, candidates, annualDemand: 1200, costs }).reason // 'SUP-01 …: landed 10.43/u (unit 10.00 + …) vs SUP-02 10.61/u'
 */
export function chooseSupplier({
  today,
  stockoutDate,
  candidates,
  annualDemand,
  costs,
}: {
  today: DayKey;
  stockoutDate: DayKey | null;
  candidates: readonly SupplierCandidate[];
  annualDemand: number;
  costs: CostSettings;
}): SupplierChoice {
  if (candidates.length === 0) throw new RangeError('no supplier to choose from');
  // Compared as day offsets from today; only the chosen supplier's arrival is written as a date.
  const stockoutOffset = stockoutDate === null ? null : utcDaysBetween(today, stockoutDate);
  const scored = candidates.map((candidate) => ({
    candidate,
    landed: landedCost(candidate, annualDemand, costs),
    arrivalOffset: Math.ceil(candidate.leadTimeDays),
  }));
  const inTime = stockoutOffset === null ? scored : scored.filter((s) => s.arrivalOffset <= stockoutOffset);
  const arrives = (s: (typeof scored)[number]) => addUtcDays(today, s.arrivalOffset);
  let chosen: (typeof scored)[number];
  let why: string;
  if (inTime.length === 0) {
    chosen = [...scored].sort((a, b) => a.candidate.leadTimeDays - b.candidate.leadTimeDays || a.landed.total - b.landed.total)[0]!;
    why = `none arrives before the projected stock-out on ${stockoutDate}; fastest: arrives ${arrives(chosen)}`;
  } else {
    const cheapest = Math.min(...inTime.map((s) => s.landed.total));
    const preferred = inTime.find((s) => s.candidate.supplier.preferred && s.landed.total <= cheapest * (1 + LANDED_COST_TIE));
    chosen = preferred ?? [...inTime].sort((a, b) => a.landed.total - b.landed.total || a.candidate.leadTimeDays - b.candidate.leadTimeDays)[0]!;
    const late = scored.length - inTime.length;
    why =
      (preferred && inTime.length > 1 ? 'preferred, within 1 % of the lowest landed cost' : 'lowest landed cost') +
      (stockoutDate === null ? '' : `, arrives ${arrives(chosen)} before the projected stock-out on ${stockoutDate}`) +
      (late > 0 ? ` (${late} other${late > 1 ? 's' : ''} would arrive too late)` : '');
  }
  const others = scored
    .filter((s) => s !== chosen)
    .map((s) => `${s.candidate.supplier.supplierCode} ${money(s.landed.total)}/u, lead ${s.candidate.leadTimeDays.toFixed(1)} d`)
    .join('; ');
  const l = chosen.landed;
  const reason =
    `${chosen.candidate.supplier.supplierCode} (${chosen.candidate.supplier.supplierName}): ${why}; landed ${money(l.total)}/u = unit ${money(l.unitCost)} + ordering ${money(l.ordering)} ` +
    `+ holding ${money(l.holding)} (of which lead-time unreliability ${money(l.unreliability)}), lead ${chosen.candidate.leadTimeDays.toFixed(1)} ± ${chosen.candidate.leadTimeStdDays.toFixed(1)} d` +
    (others ? `; vs ${others}` : '');
  const preferred = scored.find((s) => s.candidate.supplier.preferred);
  return { candidate: chosen.candidate, landed: chosen.landed, preferredLanded: preferred?.landed ?? null, reason };
}

function money(value: number): string {
  return value.toFixed(2);
}
