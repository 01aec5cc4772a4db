// The one file of the demo that touches a database: it writes a generated
// business through the operational service's models and its history import.
import {
  CreateCampaignSchema,
  CreateCustomerSchema,
  CreateLocationSchema,
  CreateProductSchema,
  CreateSupplierSchema,
  LinkProductSchema,
  utcDayKey,
  type Principal,
} from '@icc/shared';
import cliProgress from 'cli-progress';
import { ensureTenant, importHistoryDay, issueApiKey, runAsPrincipal, type Models } from '@icc/service-operational';
import { DAY_MS, dayNumber } from './calendar.js';
import { generateDemo } from './index.js';
import type { Demo, DemoBusiness, DemoOptions, DemoStats } from './types.js';

export interface SeedSummary extends DemoStats {
  tenantId: string;
  elapsedMs: number;
}

export const DEMO_DEFAULTS = { seed: 42, products: 500, days: 730 } as const;

/** The last whole UTC day before `now`: demo history ends yesterday. */
export function yesterday(now: Date = new Date()): string {
  return utcDayKey(now.getTime() - DAY_MS);
}

/**
 * Master data, validated by the same schemas as the API, stamped as existing
 * since the history began. Call inside `runAsPrincipal` of the tenant.
 *
 * @example await runAsPrincipal(principal, () => writeMasterData(models, demo.business, new Date('2024-05-01')));
 */
export async function writeMasterData(models: Models, business: DemoBusiness, since: Date): Promise<void> {
  const stamp = { createdAt: since, updatedAt: since };
  const insert = { timestamps: false } as const;
  await models.Location.insertMany(
    business.locations.map((l) => ({
      ...CreateLocationSchema.parse({ code: l.code, name: l.name, type: l.type, timeZone: l.timeZone, address: l.address }),
      ...stamp,
    })),
    insert,
  );
  const suppliers = await models.Supplier.insertMany(
    business.suppliers.map((s) => ({
      ...CreateSupplierSchema.parse({
        code: s.code,
        name: s.name,
        contactName: s.contactName,
        email: s.email,
        phone: s.phone,
        address: s.address,
        defaultLeadTimeDays: s.defaultLeadTimeDays,
        attributes: { categories: s.categories.join(', ') },
      }),
      ...stamp,
    })),
    insert,
  );
  const supplierIds = new Map(suppliers.map((s) => [s.code, s._id]));
  await models.Product.insertMany(
    business.products.map((p) => ({
      ...CreateProductSchema.parse({
        sku: p.sku,
        name: p.name,
        category: p.category,
        subCategory: p.subCategory,
        brand: p.brand,
        unit: p.unit,
        price: p.price,
        cost: p.cost,
        reorderPoint: p.reorderPoint,
        safetyStock: p.safetyStock,
        leadTimeDays: p.leadTimeDays,
        attributes: p.attributes,
      }),
      ...stamp,
    })),
    insert,
  );
  await models.ProductSupplier.insertMany(
    business.links.map((l) => ({
      ...LinkProductSchema.parse({
        sku: l.sku,
        unitCost: l.unitCost,
        minimumOrderQuantity: l.minimumOrderQuantity,
        packSize: l.packSize,
        leadTimeDays: l.leadTimeDays,
        preferred: l.preferred,
        supplierSku: l.supplierSku,
      }),
      supplierId: supplierIds.get(l.supplierCode)!,
      supplierCode: l.supplierCode,
      ...stamp,
    })),
    insert,
  );
  await models.Customer.insertMany(
    business.customers.map((c) => ({
      ...CreateCustomerSchema.parse({
        code: c.code,
        name: c.name,
        segment: c.segment,
        email: c.email,
        phone: c.phone,
        address: c.address,
        attributes: { homeLocation: c.homeLocation },
      }),
      ...stamp,
    })),
    insert,
  );
  await models.Campaign.insertMany(
    business.campaigns.map((c) => ({
      ...CreateCampaignSchema.parse({
        name: c.name,
        discountPercent: c.discountPercent,
        skus: c.skus,
        startsAt: new Date(c.firstDay * DAY_MS).toISOString(),
        endsAt: new Date((c.lastDay + 1) * DAY_MS).toISOString(),
      }),
      status: 'planned',
      ...stamp,
    })),
    insert,
  );
}

/**
 * Write a generated demo into a tenant: master data through the models (inside
 * the tenant's scope), then each day of history through `importHistoryDay`, one
 * transaction a day, in order. The tenant must have no products yet. The
 * ledger's actor is a key issued for the import and revoked when it is done.
 *
 * @example
 *   const summary = await seedDemo(models, 'demo', { seed: 42, products: 500, days: 730, endDay: yesterday() }, (done, total) => bar.update(done));
 *   summary.orders // ~ 72 000
 */
export async function seedDemo(
  models: Models,
  tenantId: string,
  options: DemoOptions,
  onProgress: (daysDone: number, daysTotal: number) => void = () => {},
  tenantName = 'Demo Trading Co.',
): Promise<SeedSummary> {
  const started = performance.now();
  await ensureTenant(models, tenantId, tenantName);
  // Reads are tenant-scoped too; this look only needs the tenant, not a key.
  const reader: Principal = { tenantId, apiKeyId: 'seed-demo', keyName: 'seed-demo', roles: ['admin'] };
  const existing = await runAsPrincipal(reader, () => models.Product.countDocuments({}).exec());
  if (existing > 0) {
    throw new Error(`Tenant ${tenantId} already has ${existing} products; demo data goes into an empty tenant — pick another with --tenant <new-id>`);
  }
  const demo: Demo = generateDemo(options);
  const key = await issueApiKey(models, tenantId, 'demo data import', ['admin']);
  const principal: Principal = { tenantId, apiKeyId: key.apiKeyId, keyName: 'demo data import', roles: ['admin'] };
  const since = new Date((dayNumber(options.endDay) - options.days + 1) * DAY_MS);
  await runAsPrincipal(principal, () => writeMasterData(models, demo.business, since));
  onProgress(0, demo.history.length);
  for (const [i, day] of demo.history.entries()) {
    await importHistoryDay(models, principal, day);
    onProgress(i + 1, demo.history.length);
  }
  await models.ApiKey.updateOne({ _id: key.apiKeyId }, { $set: { revokedAt: new Date() } });
  return { ...demo.stats, tenantId, elapsedMs: Math.round(performance.now() - started) };
}

/** One line for `pnpm start`: what was seeded. @example 'products=500 orders=71919 lines=155839 ...' */
export function summaryLine(s: SeedSummary): string {
  return `products=${s.products} days=${s.days} orders=${s.orders} lines=${s.lines} units-demanded=${s.unitsDemanded} units-sold=${s.unitsSold} stock-out-days=${s.stockOutDays} purchase-orders=${s.purchaseOrders} seconds=${(s.elapsedMs / 1000).toFixed(1)}`;
}

/** The end-of-run table of `pnpm seed-demo`. */
export function summaryTable(s: SeedSummary): string {
  const rows: Array<[string, string]> = [
    ['tenant', s.tenantId],
    ['products', String(s.products)],
    ['days', String(s.days)],
    ['sales orders', String(s.orders)],
    ['order lines', String(s.lines)],
    ['units demanded', String(s.unitsDemanded)],
    ['units sold', String(s.unitsSold)],
    ['units unserved', `${s.unitsUnserved} (${s.unitsRejectedForStock} rejected for lack of stock)`],
    ['fill rate', `${((100 * s.unitsSold) / Math.max(1, s.unitsDemanded)).toFixed(1)} %`],
    ['revenue', s.revenue.toFixed(2)],
    ['stock-out days', `${s.stockOutDays} (product × location × day with demand turned away)`],
    ['purchase orders', `${s.purchaseOrders} (${s.receipts} receipts, ${s.purchaseCancels} short deliveries written off)`],
    ['elapsed', `${(s.elapsedMs / 1000).toFixed(1)} s`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

/**
 * For `pnpm start`: fill the demo tenant on first start (progress bar on
 * stderr), leave it alone once it has products. `demoData: 'off'` (from
 * `DEMO_DATA=off`) skips it.
 *
 * @example print('demo-data', await seedDemoIfEmpty(models, 'demo', 'on')) // 'products=500 days=730 orders=...' or 'kept (500 products)'
 */
export async function seedDemoIfEmpty(models: Models, tenantId: string, demoData: 'on' | 'off'): Promise<string> {
  if (demoData === 'off') return 'off (DEMO_DATA=off)';
  const reader: Principal = { tenantId, apiKeyId: 'seed-demo', keyName: 'seed-demo', roles: ['admin'] };
  const existing = await runAsPrincipal(reader, () => models.Product.countDocuments({}).exec());
  if (existing > 0) return `kept (${existing} products)`;
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'demo data {bar} {value}/{total} days | {eta_formatted} left' },
    cliProgress.Presets.shades_classic,
  );
  bar.start(DEMO_DEFAULTS.days, 0);
  try {
    return summaryLine(await seedDemo(models, tenantId, { ...DEMO_DEFAULTS, endDay: yesterday() }, (done) => bar.update(done)));
  } finally {
    bar.stop();
  }
}
