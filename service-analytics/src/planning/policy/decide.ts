import { addUtcDays, utcDayNumber, type DayKey } from '@icc/shared';
import { roundToSupplier } from './order-quantity.js';
import type { Decision, DecisionInput, ResolvedRule } from './policy.types.js';
import { demandOverDays, effectiveLeadTime, protectionDemand } from './protection-demand.js';
import { explainLevels, replenishmentLevels, type ReplenishmentLevels } from './replenishment-levels.js';
import { chooseSupplier, type SupplierCandidate } from './supplier-choice.js';
import { arrivingWithin, availableStock, firstDayBelow, inventoryPosition, priorityFor, stockoutProbability } from './timing.js';

/** Days of forecast the annual demand (for EOQ and the holding cost per unit) is averaged from. */
const ANNUAL_DEMAND_BASIS_DAYS = 28;

/**
 * PERIODIC_REVIEW orders on days whose UTC day number is a multiple of the
 * review period (every 7th day for 7: the same weekday, whatever day the rule
 * was created), so every run agrees on the review days without stored state.
 *
 * @example isReviewDay('2026-01-01', 7) // true: day 20454 = 7 × 2922
 */
export function isReviewDay(today: DayKey, reviewPeriodDays: number): boolean {
  const period = Math.max(1, Math.round(reviewPeriodDays));
  return utcDayNumber(today) % period === 0;
}

/**
 * One replenishment decision for one SKU × location: effective lead time per
 * supplier, demand over the lead time and the protection interval from the
 * forecast and its error, safety stock at the rule's fill rate, the
 * strategy's reorder point and order-up-to level, the supplier by landed cost
 * and timing, the quantity rounded to its minimum and pack, and when to order.
 * Pure: the day is `input.today`. The reasoning lines give every number.
 *
 * @example decide(input).order // { quantity: 120, supplierCode: 'SUP-01', orderByDate: '2026-01-03', … } or null
 */
export function decide(input: DecisionInput): Decision {
  const { today, rule, position, demand, costs } = input;
  const available = availableStock(position);
  const invPosition = inventoryPosition(position);
  const onOrder = invPosition - available;
  const annualDemand = (demandOverDays(demand, 0, ANNUAL_DEMAND_BASIS_DAYS).mean / ANNUAL_DEMAND_BASIS_DAYS) * 365;
  const overReview = demandOverDays(demand, 0, rule.reviewPeriodDays, input.errorCorrelation);
  const projection = { today, position, demand };
  // One projection for the stock-out day; the day stock enters the chosen supplier's safety stock is asked below.
  const stockoutDay = firstDayBelow(projection, 0);
  const stockout = stockoutDay === null ? null : addUtcDays(today, stockoutDay);
  const demand7Days = demandOverDays(demand, 0, 7).mean;
  const demand14Days = demandOverDays(demand, 0, 14).mean;
  const reasoning = [
    `Position ${q(invPosition)} = on hand ${q(position.onHand)} − reserved ${q(position.reserved)} − back-ordered ${q(position.backOrdered)} + in transit ${q(position.inTransit)} + on order ${q(onOrder)}`,
    `Forecast ${q(demand7Days)} over 7 d, ${q(demand14Days)} over 14 d (${demand.source})`,
  ];

  const plans = input.suppliers.map((supplier) => {
    const lead = effectiveLeadTime(supplier);
    const interval = { leadTimeDays: lead.days, leadTimeStdDays: lead.stdDays };
    const overLeadTime = protectionDemand(demand, { ...interval, reviewPeriodDays: 0 }, input.errorCorrelation);
    const overProtection = protectionDemand(demand, { ...interval, reviewPeriodDays: rule.reviewPeriodDays }, input.errorCorrelation);
    const levelsInput = { rule, supplier, costs, overLeadTime, overReview, annualDemand };
    const levels = replenishmentLevels({ ...levelsInput, overProtection });
    // What the supplier would need without its lead-time spread: the part of the safety stock its unreliability costs.
    const steady =
      lead.stdDays > 0 ? replenishmentLevels({ ...levelsInput, overProtection: { ...overProtection, std: overProtection.demandStd, leadTimeStd: 0 } }) : levels;
    const candidate: SupplierCandidate = {
      supplier,
      leadTimeDays: lead.days,
      leadTimeStdDays: lead.stdDays,
      safetyStock: levels.safetyStock,
      safetyStockWithoutSpread: steady.safetyStock,
      cycleQuantity: levels.cycleQuantity,
    };
    return { candidate, lead, overLeadTime, overProtection, levels };
  });

  if (plans.length === 0) {
    reasoning.push('No supplier is linked to this SKU: nothing can be ordered');
    return noOrderDecision(input, invPosition, stockout, reasoning);
  }
  const choice = chooseSupplier({ today, stockoutDate: stockout, candidates: plans.map((p) => p.candidate), annualDemand, costs });
  const plan = plans.find((p) => p.candidate === choice.candidate)!;
  const { lead, overLeadTime, overProtection, levels } = plan;
  reasoning.push(
    `Lead time ${lead.days.toFixed(1)} ± ${lead.stdDays.toFixed(1)} d from ${choice.candidate.supplier.supplierCode}: ${lead.basis}`,
    `Demand over the lead time ${q(overLeadTime.mean)} (σ ${q(overLeadTime.std)}); ${explainLevels(levels, { rule, overLeadTime, overProtection })}`,
  );

  const intoSafetyStock = levels.safetyStock > 0 ? firstDayBelow(projection, levels.safetyStock) : stockoutDay;
  const orderBy = intoSafetyStock === null ? null : addUtcDays(today, intoSafetyStock - Math.ceil(lead.days));
  const pStockout = stockoutProbability({
    stock: available + arrivingWithin(position, today, lead.days),
    meanDemand: overLeadTime.mean,
    stdDemand: overLeadTime.std,
  });
  const { priority, reason: priorityReason } = priorityFor({ today, orderBy, stockout, leadTimeDays: lead.days, stockoutProbability: pStockout });
  const raw = rawOrderQuantity(rule, today, invPosition, levels);
  reasoning.push(raw.why);

  const supplier = choice.candidate.supplier;
  const quantity = roundToSupplier(raw.quantity, supplier.minimumOrderQuantity, supplier.packSize);
  const timing =
    `Without an order stock runs out ${stockout ?? `not within the projection`}; ` +
    `order by ${orderBy ?? '—'} (${orderBy === null ? 'no order needed within the projection' : `${daysLeft(today, orderBy)} d left`}: ${priority}); ` +
    `P(stock-out before an order placed today arrives) ${(pStockout * 100).toFixed(1)} %`;
  const base = {
    inventoryPosition: invPosition,
    reorderPoint: levels.reorderPoint,
    orderUpTo: levels.orderUpTo,
    safetyStock: levels.safetyStock,
    leadTimeDays: lead.days,
    leadTimeStdDays: lead.stdDays,
    demandOverLeadTime: overLeadTime.mean,
    demand7Days,
    demand14Days,
    stockoutDate: stockout,
    stockoutProbability: pStockout,
    priority,
    fillRate: levels.fillRate,
    serviceItem: { annualDemand, unitCost: choice.candidate.supplier.unitCost, cycleQuantity: levels.cycleQuantity, sigma: overProtection.std },
  };
  if (quantity <= 0) {
    reasoning.push(timing, priorityReason);
    return { ...base, order: null, savingsPotential: 0, reasoning };
  }
  if (quantity !== raw.quantity) {
    reasoning.push(`Rounded ${q(raw.quantity)} up to ${quantity}: minimum ${supplier.minimumOrderQuantity}, pack ${supplier.packSize}`);
  }
  reasoning.push(`Supplier ${choice.reason}`, timing, priorityReason);
  const savingsPotential = choice.preferredLanded === null ? 0 : Math.max(0, choice.preferredLanded.total - choice.landed.total) * quantity;
  return {
    ...base,
    order: {
      quantity,
      rawQuantity: raw.quantity,
      supplierCode: supplier.supplierCode,
      supplierReason: choice.reason,
      orderByDate: orderBy ?? today,
      expectedArrivalDate: addUtcDays(today, Math.ceil(lead.days)),
      cost: quantity * supplier.unitCost,
    },
    savingsPotential,
    reasoning,
  };
}

/** What the strategy asks for before rounding, and why in words. */
function rawOrderQuantity(rule: ResolvedRule, today: DayKey, position: number, levels: ReplenishmentLevels): { quantity: number; why: string } {
  const { reorderPoint, orderUpTo, cycleQuantity } = levels;
  const p = q(position);
  switch (rule.strategy) {
    case 'MANUAL':
      return { quantity: 0, why: 'Rule is MANUAL: planning never orders it' };
    case 'PERIODIC_REVIEW': {
      if (!isReviewDay(today, rule.reviewPeriodDays)) return { quantity: 0, why: `Not a review day (every ${rule.reviewPeriodDays} d): no order` };
      if (position >= orderUpTo) return { quantity: 0, why: `Review day: position ${p} is at or above the order-up-to ${q(orderUpTo)}` };
      return { quantity: orderUpTo - position, why: `Review day: order up to ${q(orderUpTo)} − position ${p} = ${q(orderUpTo - position)}` };
    }
    case 'LOT_FOR_LOT': {
      if (position >= orderUpTo) return { quantity: 0, why: `Net requirement over L + R is ${q(orderUpTo)}, position ${p} covers it` };
      return {
        quantity: orderUpTo - position,
        why: `Net requirement ${q(orderUpTo)} (demand over L + R + safety stock) − position ${p} = ${q(orderUpTo - position)}`,
      };
    }
    case 'REORDER_POINT_EOQ': {
      if (position > reorderPoint) return { quantity: 0, why: `Position ${p} is above the reorder point ${q(reorderPoint)}: no order` };
      // Enough whole EOQs to lift the position above the reorder point (one, unless far below it).
      const batch = Math.max(1, cycleQuantity);
      const batches = Math.floor((reorderPoint - position) / batch) + 1;
      return { quantity: batches * batch, why: `Position ${p} ≤ reorder point ${q(reorderPoint)}: order ${batches} × EOQ ${q(batch)}` };
    }
    case 'MIN_MAX':
    case 'FORECAST_BASED': {
      const label = rule.strategy === 'MIN_MAX' ? 'min' : 'reorder point';
      if (position > reorderPoint) return { quantity: 0, why: `Position ${p} is above the ${label} ${q(reorderPoint)}: no order` };
      return {
        quantity: orderUpTo - position,
        why: `Position ${p} ≤ ${label} ${q(reorderPoint)}: order up to ${q(orderUpTo)} − ${p} = ${q(orderUpTo - position)}`,
      };
    }
  }
}

function noOrderDecision(input: DecisionInput, position: number, stockout: DayKey | null, reasoning: string[]): Decision {
  return {
    order: null,
    inventoryPosition: position,
    reorderPoint: 0,
    orderUpTo: 0,
    safetyStock: 0,
    leadTimeDays: 0,
    leadTimeStdDays: 0,
    demandOverLeadTime: 0,
    demand7Days: demandOverDays(input.demand, 0, 7).mean,
    demand14Days: demandOverDays(input.demand, 0, 14).mean,
    stockoutDate: stockout,
    stockoutProbability: stockout === input.today ? 1 : 0,
    priority: priorityFor({ today: input.today, orderBy: stockout, stockout, leadTimeDays: 0, stockoutProbability: stockout === input.today ? 1 : 0 }).priority,
    fillRate: input.rule.serviceLevel,
    serviceItem: null,
    savingsPotential: 0,
    reasoning,
  };
}

function daysLeft(today: DayKey, day: DayKey): number {
  return utcDayNumber(day) - utcDayNumber(today);
}

/** Quantities in the reasoning: whole units from 100 up, one decimal below. */
function q(value: number): string {
  return Math.abs(value) >= 100 || Number.isInteger(value) ? value.toFixed(0) : value.toFixed(1);
}
