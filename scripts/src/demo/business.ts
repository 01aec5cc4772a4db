import { roundMoney } from '@icc/shared';
import { Faker, base, en, en_GB } from '@faker-js/faker';
import { CATEGORIES } from './categories.js';
import { planPolicies } from './policy.js';
import { Rng } from './rng.js';
import type { DemoBusiness, DemoCampaign, DemoCustomer, DemoLink, DemoLocation, DemoOptions, DemoProduct, DemoSupplier } from './types.js';

/** A DC that ships online and business orders, and three stores, all open on Sundays (so one UTC day holds each business day). */
export const LOCATIONS: DemoLocation[] = [
  {
    code: 'DC-RTM',
    name: 'Rotterdam Distribution Centre',
    type: 'dc',
    timeZone: 'Europe/Amsterdam',
    address: 'Waalhaven 12, Rotterdam',
    channel: 'dc',
    share: 0.34,
    hours: [6, 20],
  },
  {
    code: 'ST-AMS',
    name: 'Amsterdam Store',
    type: 'store',
    timeZone: 'Europe/Amsterdam',
    address: 'Kalverstraat 88, Amsterdam',
    channel: 'store',
    share: 0.26,
    hours: [9, 21],
  },
  {
    code: 'ST-LON',
    name: 'London Store',
    type: 'store',
    timeZone: 'Europe/London',
    address: '214 Oxford Street, London',
    channel: 'store',
    share: 0.22,
    hours: [9, 21],
  },
  {
    code: 'ST-DUB',
    name: 'Dublin Store',
    type: 'store',
    timeZone: 'Europe/Dublin',
    address: '31 Grafton Street, Dublin',
    channel: 'store',
    share: 0.18,
    hours: [9, 20],
  },
];

/** Lead time (days), on-time rate, mean delay when late, short-delivery rate: from the reliable local wholesaler to the slow importer. */
const SUPPLIER_PROFILES: Array<[number, number, number, number]> = [
  [3, 0.96, 1, 0.02],
  [5, 0.92, 2, 0.04],
  [7, 0.88, 2, 0.06],
  [10, 0.85, 3, 0.08],
  [14, 0.8, 4, 0.1],
  [18, 0.75, 5, 0.12],
  [24, 0.7, 6, 0.15],
  [30, 0.62, 8, 0.2],
];

function suppliers(rng: Rng, faker: Faker): DemoSupplier[] {
  const categories = rng.shuffle(CATEGORIES.map((c) => c.name));
  return SUPPLIER_PROFILES.map(([lead, onTime, delay, partial], i) => {
    const name = `${faker.company.name()} ${rng.pick(['Wholesale', 'Trading', 'Supply', 'Distribution', 'Imports'])}`;
    return {
      code: `SUP-${String(i + 1).padStart(2, '0')}`,
      name,
      contactName: faker.person.fullName(),
      email: `orders@${name
        .toLowerCase()
        .replace(/[^a-z]+/g, '')
        .slice(0, 18)}.example.com`,
      phone: faker.phone.number({ style: 'international' }),
      address: `${faker.location.streetAddress()}, ${faker.location.city()}`,
      defaultLeadTimeDays: lead,
      onTimeRate: onTime,
      delayMeanDays: delay,
      partialRate: partial,
      // Twelve categories over eight suppliers: each category has one or two.
      categories: categories.filter((_, c) => c % 8 === i || (c + 3) % 8 === i),
    };
  });
}

function products(rng: Rng, count: number, supplierList: DemoSupplier[]): { products: DemoProduct[]; links: DemoLink[] } {
  const out: DemoProduct[] = [];
  const links: DemoLink[] = [];
  const perCategory = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const r = rng.fork(`product:${i}`);
    const category = CATEGORIES[i % CATEGORIES.length]!;
    const n = (perCategory.get(category.name) ?? 0) + 1;
    perCategory.set(category.name, n);
    const sub = r.pick(category.subCategories);
    const brand = r.pick(category.brands);
    const [lo, hi] = category.priceRange;
    const price = roundMoney(Math.exp(r.between(Math.log(lo), Math.log(hi)))) || lo;
    const cost = roundMoney(price * r.between(0.42, 0.68));
    const slowMover = r.chance(0.2);
    // Cheap things sell more: base demand falls with price, around a log-normal spread.
    const priceEffect = Math.pow(price / Math.sqrt(lo * hi), -0.35);
    const trendKind = r.weighted(['flat', 'up', 'down'], [0.6, 0.2, 0.2]);
    const trendPerYear = trendKind === 'flat' ? r.normal() * 0.03 : trendKind === 'up' ? r.between(0.15, 0.5) : -r.between(0.1, 0.4);
    const candidates = supplierList.filter((s) => s.categories.includes(category.name));
    const preferred = r.pick(candidates.length ? candidates : supplierList);
    const packSize = price < 3 ? r.pick([6, 12]) : price < 15 ? r.pick([1, 2, 4]) : 1;
    const sku = `${category.prefix}-${String(n).padStart(4, '0')}`;
    out.push({
      sku,
      name: `${brand} ${r.pick(sub.items)} ${r.pick(category.variants)}`,
      category: category.name,
      subCategory: sub.name,
      brand,
      unit: category.unit,
      price,
      cost,
      reorderPoint: 0,
      safetyStock: 0,
      leadTimeDays: preferred.defaultLeadTimeDays,
      attributes: { abc: 'C', slowMover },
      demand: { base: slowMover ? 0 : r.logNormal(Math.log(0.3), 1.0) * priceEffect, trendPerYear, slowMover, elasticity: r.between(1.5, 5) },
      preferredSupplier: preferred.code,
    });
    links.push({
      supplierCode: preferred.code,
      sku,
      unitCost: cost,
      minimumOrderQuantity: packSize,
      packSize,
      leadTimeDays: preferred.defaultLeadTimeDays,
      preferred: true,
      supplierSku: `${preferred.code.slice(4)}-${sku}`,
    });
    // Half the products have a second, dearer source; the planner does not use it.
    const others = supplierList.filter((s) => s.code !== preferred.code);
    if (r.chance(0.5)) {
      const alt = r.pick(others);
      links.push({
        supplierCode: alt.code,
        sku,
        unitCost: roundMoney(cost * r.between(1.03, 1.12)),
        minimumOrderQuantity: packSize,
        packSize,
        leadTimeDays: alt.defaultLeadTimeDays,
        preferred: false,
        supplierSku: `${alt.code.slice(4)}-${sku}`,
      });
    }
  }
  return { products: out, links };
}

const SEGMENTS: Array<[DemoCustomer['segment'], number]> = [
  ['retail', 0.55],
  ['vip', 0.075],
  ['online', 0.225],
  ['wholesale', 0.075],
  ['corporate', 0.075],
];

function customers(rng: Rng, faker: Faker, count: number): DemoCustomer[] {
  const stores = LOCATIONS.filter((l) => l.type === 'store');
  const out: DemoCustomer[] = [];
  for (const [segment, share] of SEGMENTS) {
    // At least one of each segment, so every channel has someone to sell to.
    const n = Math.max(1, Math.round(count * share));
    for (let i = 0; i < n; i++) {
      const business = segment === 'wholesale' || segment === 'corporate';
      const name = business ? faker.company.name() : faker.person.fullName();
      out.push({
        code: `C-${String(out.length + 1).padStart(4, '0')}`,
        name,
        segment,
        email: `${name
          .toLowerCase()
          .replace(/[^a-z]+/g, '.')
          .replace(/^\.|\.$/g, '')}.${out.length + 1}@example.com`,
        phone: faker.phone.number({ style: 'international' }),
        address: `${faker.location.streetAddress()}, ${faker.location.city()}`,
        homeLocation: segment === 'retail' || segment === 'vip' ? rng.pick(stores).code : 'DC-RTM',
      });
    }
  }
  return out;
}

const CAMPAIGN_THEMES = [
  'Spring Savings',
  'Summer Sale',
  'Back to School',
  'Autumn Deals',
  'Black Week',
  'Winter Warmers',
  'New Year Offers',
  'Midweek Madness',
  'Festive Favourites',
  'Weekend Specials',
];

/** About 25 campaigns per two years: 10–30 % off, one to three weeks, a few categories, most of their products. */
function campaigns(rng: Rng, productList: DemoProduct[], firstDay: number, days: number): DemoCampaign[] {
  const count = Math.max(1, Math.round((days / 730) * 25));
  const out: DemoCampaign[] = [];
  for (let i = 0; i < count; i++) {
    const r = rng.fork(`campaign:${i}`);
    // Spread over the history (one per slot), jittered inside its slot.
    const slot = days / count;
    const length = r.pick([7, 10, 14, 21]);
    const start = firstDay + Math.floor(i * slot + r.between(0, Math.max(0, slot - length)));
    const cats = r.shuffle(CATEGORIES.map((c) => c.name)).slice(0, r.int(1, 3));
    const skus = productList.filter((p) => cats.includes(p.category) && r.chance(0.6)).map((p) => p.sku);
    if (skus.length === 0) continue;
    const year = new Date(start * 86_400_000).getUTCFullYear();
    out.push({
      name: `${r.pick(CAMPAIGN_THEMES)}: ${cats.join(', ')} ${year} #${i + 1}`,
      discountPercent: r.pick([10, 15, 20, 25, 30]),
      firstDay: start,
      lastDay: start + length - 1,
      categories: cats,
      skus,
    });
  }
  return out;
}

/**
 * The demo business: locations, suppliers with their lead times and
 * reliability, products with brands, prices, costs and reorder points that fit
 * their demand, supplier links, customers and campaigns. Pure: the same
 * options give the same business.
 *
 * @example buildBusiness({ seed: 42, products: 500, days: 730, endDay: '2026-05-01' }, dayNumber('2024-05-02')).products.length // 500
 */
export function buildBusiness(options: DemoOptions, firstDay: number): DemoBusiness {
  const rng = new Rng(options.seed, 'business');
  const faker = new Faker({ locale: [en_GB, en, base], seed: options.seed });
  const supplierList = suppliers(rng.fork('suppliers'), faker);
  const { products: productList, links } = products(rng.fork('products'), options.products, supplierList);
  const customerList = customers(rng.fork('customers'), faker, options.customers ?? 200);
  const campaignList = campaigns(rng.fork('campaigns'), productList, firstDay, options.days);
  const policies = planPolicies(productList, links, supplierList, LOCATIONS, rng.fork('policies'));
  return {
    tenantName: 'Demo Trading Co.',
    locations: LOCATIONS,
    suppliers: supplierList,
    products: productList,
    links,
    customers: customerList,
    campaigns: campaignList,
    policies,
  };
}
