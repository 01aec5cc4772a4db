import type { HistoryDay } from '@icc/service-operational';
import type { Channel } from './calendar.js';

export interface DemoOptions {
  seed: number;
  /** Number of products (the catalog), e.g. 500. */
  products: number;
  /** Days of history, e.g. 730 (two years). */
  days: number;
  /** The last day of history, `YYYY-MM-DD` (inclusive): yesterday (UTC) for a live demo. */
  endDay: string;
  /** Number of customers; default 200. */
  customers?: number;
}

export interface DemoLocation {
  code: string;
  name: string;
  type: 'dc' | 'store';
  timeZone: string;
  address: string;
  channel: Channel;
  /** Share of the business's demand that sells here. */
  share: number;
  /** Local opening hours [open, close). */
  hours: [number, number];
}

/** A supplier and how it behaves (the behaviour stays in the simulation; attributes describe it). */
export interface DemoSupplier {
  code: string;
  name: string;
  contactName: string;
  email: string;
  phone: string;
  address: string;
  defaultLeadTimeDays: number;
  /** Probability a delivery arrives by its expected date. */
  onTimeRate: number;
  /** Mean extra days of a late delivery. */
  delayMeanDays: number;
  /** Probability a delivery comes short (the rest later, or never). */
  partialRate: number;
  categories: string[];
}

export interface DemandProfile {
  /** Mean units per day over the whole business, before seasonality and trend. */
  base: number;
  /** Log growth per year: +0.3 ≈ +35 % a year; 0 flat. */
  trendPerYear: number;
  /** Intermittent: sells on few days, a unit or two at a time. */
  slowMover: boolean;
  /** Campaign uplift: demand × (1 + elasticity × discount fraction). */
  elasticity: number;
}

export interface DemoProduct {
  sku: string;
  name: string;
  category: string;
  subCategory: string;
  brand: string;
  unit: string;
  price: number;
  cost: number;
  reorderPoint: number;
  safetyStock: number;
  leadTimeDays: number;
  attributes: Record<string, string | number | boolean>;
  demand: DemandProfile;
  preferredSupplier: string;
}

export interface DemoLink {
  supplierCode: string;
  sku: string;
  unitCost: number;
  minimumOrderQuantity: number;
  packSize: number;
  leadTimeDays: number;
  preferred: boolean;
  supplierSku: string;
}

export interface DemoCustomer {
  code: string;
  name: string;
  segment: 'retail' | 'wholesale' | 'online' | 'corporate' | 'vip';
  email: string;
  phone: string;
  address: string;
  /** Where the customer buys: a store, or the DC for online and business customers. */
  homeLocation: string;
}

export interface DemoCampaign {
  name: string;
  discountPercent: number;
  /** First and last day (inclusive) as day numbers; stored as [first 00:00Z, last+1 00:00Z). */
  firstDay: number;
  lastDay: number;
  categories: string[];
  skus: string[];
}

/** The replenishment rule of one product at one location: order up to S when the position falls to s. */
export interface StockPolicy {
  sku: string;
  locationCode: string;
  /** True mean daily demand here before seasonality, trend and campaigns: the simulation's base level. */
  demandMean: number;
  /** What the planner believed it to be (off by a forecast error). */
  plannedMean: number;
  safetyStock: number;
  reorderPoint: number;
  orderUpTo: number;
}

export interface DemoBusiness {
  tenantName: string;
  locations: DemoLocation[];
  suppliers: DemoSupplier[];
  products: DemoProduct[];
  links: DemoLink[];
  customers: DemoCustomer[];
  campaigns: DemoCampaign[];
  policies: StockPolicy[];
}

export interface DemoStats {
  days: number;
  products: number;
  orders: number;
  lines: number;
  unitsDemanded: number;
  unitsSold: number;
  /** Demanded but not served: rejected for lack of stock plus cancelled. */
  unitsUnserved: number;
  unitsRejectedForStock: number;
  revenue: number;
  /** Product × location × days with demand turned away for lack of stock. */
  stockOutDays: number;
  purchaseOrders: number;
  receipts: number;
  purchaseCancels: number;
}

export interface FinalPosition {
  sku: string;
  locationCode: string;
  onHand: number;
  onOrder: number;
}

export interface Demo {
  business: DemoBusiness;
  history: HistoryDay[];
  stats: DemoStats;
  finalStock: FinalPosition[];
}
