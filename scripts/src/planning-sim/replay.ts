import { planDeliveries, type OpenPurchaseOrder } from '../demo/deliveries.js';
import { Rng } from '../demo/rng.js';
import type { Pair, Scenario } from './scenario.js';

/** The demo planner's costs (scripts/src/demo/policy.ts): per purchase-order line, and per year as a share of unit cost. */
export const ORDERING_COST = 25;
export const HOLDING_COST_RATE = 0.25;

/** A purchase-order line under way. */
export interface OpenOrder {
  supplierCode: string;
  placedDay: number;
  expectedDay: number;
  /** Units not yet received (0 once the rest is written off). */
  outstanding: number;
  received: boolean;
}

/** What happens to an open order on a later day. */
interface DeliveryStep {
  day: number;
  order: OpenOrder;
  /** Units received; null: the rest is written off. */
  quantity: number | null;
}

export interface PairState {
  pair: Pair;
  onHand: number;
  open: OpenOrder[];
  steps: DeliveryStep[];
  /** Served units per window day so far (what the history shows the next forecasts). */
  sold: number[];
  short: boolean[];
  rng: Rng;
  demanded: number;
  served: number;
  stockOutDays: number;
  inventoryValueDays: number;
  orders: number;
}

export interface OrderRequest {
  quantity: number;
  supplierCode: string;
}

/** A replenishment policy as the replay drives it: asked once per pair each morning, with only what is known by then. */
export interface ReplayPolicy {
  name: string;
  /** Before the pairs are asked on a day: refit forecasts and the like. */
  beforeDay?(day: number, states: readonly PairState[]): void;
  order(state: PairState, day: number): OrderRequest | null;
  /** A supplier's first receipt of an order: its delay (days after the expected day). */
  onFirstReceipt?(supplierCode: string, delayDays: number): void;
}

/** The state every policy starts a pair from: the counted stock and the orders placed before the window. */
export function initialState(scenario: Scenario, pair: Pair): PairState {
  const steps: DeliveryStep[] = [];
  const open: OpenOrder[] = [];
  for (const arrival of pair.inherited) {
    const order: OpenOrder = {
      supplierCode: pair.preferredLink.supplierCode,
      placedDay: scenario.firstDay - 1,
      expectedDay: arrival.expectedDay,
      outstanding: 0,
      received: true,
    };
    order.outstanding = arrival.quantity;
    open.push(order);
    steps.push({ day: arrival.day, order, quantity: arrival.quantity });
  }
  const days = scenario.lastDay - scenario.firstDay + 1;
  return {
    pair,
    onHand: pair.openingStock,
    open,
    steps,
    sold: new Array<number>(days).fill(0),
    short: new Array<boolean>(days).fill(false),
    rng: new Rng(scenario.seed, 'planning-sim').fork(`deliveries:${pair.product.sku}:${pair.location.code}`),
    demanded: 0,
    served: 0,
    stockOutDays: 0,
    inventoryValueDays: 0,
    orders: 0,
  };
}

/** Inventory position: stock on hand plus every unit still on order. */
export function positionOf(state: PairState): number {
  let position = state.onHand;
  for (const order of state.open) position += order.outstanding;
  return position;
}

/**
 * One day of one pair: the morning's deliveries arrive, the policy decides
 * (an order placed today is delivered by its supplier's own behaviour, from
 * the demo generator's `planDeliveries`: on time or late, sometimes short),
 * then the day's true demand is served from stock and the rest is lost.
 */
export function stepPair(scenario: Scenario, state: PairState, day: number, policy: ReplayPolicy): void {
  if (state.steps.length > 0) applyDeliveries(state, day, policy);
  const request = policy.order(state, day);
  if (request !== null && request.quantity > 0) placeOrder(scenario, state, day, request);
  const i = day - scenario.firstDay;
  const wanted = state.pair.demand[i]!;
  const served = Math.min(wanted, state.onHand);
  state.onHand -= served;
  state.demanded += wanted;
  state.served += served;
  state.sold[i] = served;
  if (served < wanted) {
    state.short[i] = true;
    state.stockOutDays++;
  }
  state.inventoryValueDays += state.onHand * state.pair.product.cost;
}

function applyDeliveries(state: PairState, day: number, policy: ReplayPolicy): void {
  const due = state.steps.filter((s) => s.day <= day);
  if (due.length === 0) return;
  state.steps = state.steps.filter((s) => s.day > day);
  for (const step of due) {
    if (step.quantity === null) {
      step.order.outstanding = 0;
      continue;
    }
    state.onHand += step.quantity;
    step.order.outstanding = Math.max(0, step.order.outstanding - step.quantity);
    if (!step.order.received) {
      step.order.received = true;
      policy.onFirstReceipt?.(step.order.supplierCode, day - step.order.expectedDay);
    }
  }
  state.open = state.open.filter((o) => o.outstanding > 0 || state.steps.some((s) => s.order === o));
}

function placeOrder(scenario: Scenario, state: PairState, day: number, request: OrderRequest): void {
  const supplier = scenario.suppliers.get(request.supplierCode)!;
  const link = state.pair.links.find((l) => l.supplierCode === request.supplierCode)!;
  const order: OpenOrder = {
    supplierCode: supplier.code,
    placedDay: day,
    expectedDay: day + supplier.defaultLeadTimeDays,
    outstanding: request.quantity,
    received: false,
  };
  const po: OpenPurchaseOrder = {
    poNumber: '',
    supplier,
    location: state.pair.location,
    orderedDay: day,
    lines: [{ seriesIndex: state.pair.index, sku: state.pair.product.sku, quantity: request.quantity, unitCost: link.unitCost, received: 0 }],
  };
  for (const event of planDeliveries(po, state.rng)) {
    state.steps.push({ day: event.day, order, quantity: event.kind === 'receipt' ? event.lines.reduce((sum, l) => sum + l.quantity, 0) : null });
  }
  state.open.push(order);
  state.orders++;
}

/** What a policy achieved over the window. */
export interface PolicyResult {
  name: string;
  unitsDemanded: number;
  unitsServed: number;
  fillRate: number;
  stockOutDays: number;
  averageInventoryValue: number;
  ordersPlaced: number;
  holdingCost: number;
  orderingCost: number;
  totalCost: number;
}

export function summarise(name: string, states: readonly PairState[], days: number): PolicyResult {
  const sum = (f: (s: PairState) => number) => states.reduce((total, s) => total + f(s), 0);
  const unitsDemanded = sum((s) => s.demanded);
  const unitsServed = sum((s) => s.served);
  const inventoryValueDays = sum((s) => s.inventoryValueDays);
  const ordersPlaced = sum((s) => s.orders);
  const holdingCost = (inventoryValueDays * HOLDING_COST_RATE) / 365;
  const orderingCost = ordersPlaced * ORDERING_COST;
  return {
    name,
    unitsDemanded,
    unitsServed,
    fillRate: unitsDemanded > 0 ? unitsServed / unitsDemanded : 1,
    stockOutDays: sum((s) => s.stockOutDays),
    averageInventoryValue: inventoryValueDays / days,
    ordersPlaced,
    holdingCost,
    orderingCost,
    totalCost: holdingCost + orderingCost,
  };
}

/**
 * Replay the window day by day for every pair under one policy; `onDay`
 * reports progress.
 */
export function replay(scenario: Scenario, policy: ReplayPolicy, onDay?: (done: number) => void): { result: PolicyResult; states: PairState[] } {
  const states = scenario.pairs.map((pair) => initialState(scenario, pair));
  for (let day = scenario.firstDay; day <= scenario.lastDay; day++) {
    policy.beforeDay?.(day, states);
    for (const state of states) stepPair(scenario, state, day, policy);
    onDay?.(day - scenario.firstDay + 1);
  }
  return { result: summarise(policy.name, states, scenario.lastDay - scenario.firstDay + 1), states };
}
