import type { Principal } from '@icc/shared';
import { isCampaignActive, type CampaignRecord } from '../campaigns/campaign.model.js';
import type { CustomerRecord } from '../customers/customer.model.js';
import { batcher } from '../db/batcher.js';
import type { Models } from '../db/models.js';
import type { LocationRecord } from '../locations/location.model.js';
import type { ProductRecord } from '../products/product.model.js';
import { tenantCollection } from '../tenancy/tenant-collection.js';
import { runAsPrincipal } from '../tenancy/tenant-context.js';
import { nextDocumentNumbers } from './document-number.js';
import type { ActiveCampaign } from './order-pricing.js';

/** What an order names, as the request gave it. */
export interface IntakeRequest {
  customerCode: string;
  locationCode: string;
  skus: readonly string[];
  /** When the order is taken: campaigns running then, the day of its number. */
  at: Date;
}

/** What taking the order needs to know before its transaction. */
export interface Intake {
  customer: Pick<CustomerRecord, 'code' | 'segment'> | null;
  locationExists: boolean;
  /** The products of the order's SKUs that exist. */
  products: Array<Pick<ProductRecord, 'sku' | 'price' | 'status'>>;
  /** Campaigns running at `at` that cover at least one of the SKUs. */
  campaigns: ActiveCampaign[];
  /** Taken whether or not the order goes through (see nextDocumentNumber). */
  orderNumber: string;
}

/**
 * The reads before an order's transaction (customer, location, products,
 * running campaigns, a number), for the orders a tenant is taking at the same
 * time together: five round trips per batch instead of five per order (see
 * batcher). Each order gets what reading for it alone would have returned at
 * a moment after it arrived.
 */
export function orderIntake(models: Models): (principal: Principal, request: IntakeRequest) => Promise<Intake> {
  const customers = tenantCollection<CustomerRecord>(models.Customer);
  const locations = tenantCollection<LocationRecord>(models.Location);
  const products = tenantCollection<ProductRecord>(models.Product);
  const campaigns = tenantCollection<CampaignRecord>(models.Campaign);

  async function readBatch(requests: IntakeRequest[]): Promise<Intake[]> {
    const skus = unique(requests.flatMap((r) => r.skus));
    const instants = requests.map((r) => r.at.getTime());
    const [foundCustomers, foundLocations, foundProducts, running, orderNumbers] = await Promise.all([
      customers.find({ code: { $in: unique(requests.map((r) => r.customerCode)) } }, { projection: { code: 1, segment: 1 } }),
      locations.find({ code: { $in: unique(requests.map((r) => r.locationCode)) } }, { projection: { code: 1 } }),
      products.find({ sku: { $in: skus } }, { projection: { sku: 1, price: 1, status: 1 } }),
      // Running at any of the batch's instants; each order keeps those running at its own below.
      campaigns.find(
        { status: 'planned', startsAt: { $lte: new Date(Math.max(...instants)) }, endsAt: { $gt: new Date(Math.min(...instants)) }, skus: { $in: skus } },
        { projection: { status: 1, startsAt: 1, endsAt: 1, discountPercent: 1, skus: 1 } },
      ),
      nextDocumentNumbers(
        models,
        'SO',
        requests.map((r) => r.at),
      ),
    ]);
    return requests.map((request, index) => {
      const wanted = new Set(request.skus);
      return {
        customer: foundCustomers.find((c) => c.code === request.customerCode) ?? null,
        locationExists: foundLocations.some((l) => l.code === request.locationCode),
        products: foundProducts.filter((p) => wanted.has(p.sku)),
        campaigns: running
          .filter((c) => isCampaignActive(c, request.at) && c.skus.some((sku) => wanted.has(sku)))
          .map((c) => ({ id: String(c._id), discountPercent: c.discountPercent, skus: c.skus })),
        orderNumber: orderNumbers[index]!,
      };
    });
  }

  // One batch per tenant, read in the scope of that tenant (any order's principal of the batch names it).
  const read = batcher(
    (batch: Array<{ principal: Principal; request: IntakeRequest }>) => runAsPrincipal(batch[0]!.principal, () => readBatch(batch.map((b) => b.request))),
    ({ principal }) => principal.tenantId,
  );
  return (principal, request) => read({ principal, request });
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
