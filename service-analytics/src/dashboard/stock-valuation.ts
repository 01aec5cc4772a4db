import type { Db } from 'mongodb';
import { FACT_COLLECTIONS } from '../facts/fact-collections.js';
import type { ProductMirrorDoc, StockReadModelDoc } from '../facts/reference-mirror.js';
import type { ProductSupplierMirrorDoc } from '../facts/supply-mirror.js';

/** A stocked SKU × location as the dashboard values it. */
export interface ValuedPair {
  sku: string;
  locationCode: string;
  productName: string;
  onHand: number;
  /** The SKU's lowest supplier unit cost, else its list price, else 0. */
  unitCost: number;
}

export interface StockValuation {
  /** Keyed by `pairKey(sku, locationCode)`. */
  pairs: Map<string, ValuedPair>;
  /** Σ on hand × unit cost, to the cent. */
  inventoryValue: number;
}

/** The key of a SKU × location in the dashboard's maps (SKUs and codes never contain a NUL). */
export const pairKey = (sku: string, locationCode: string) => `${sku}\u0000${locationCode}`;

/**
 * Every stock row of the tenant valued at cost: on hand × the SKU's lowest
 * supplier unit cost (what replacing it costs; the list price when no
 * supplier sells it). Three reads of the tenant's rows: for the summary's
 * refresh, not for a request.
 *
 * @example const { inventoryValue } = await readStockValuation(analyticsDb, 'acme')
 */
export async function readStockValuation(db: Db, tenantId: string): Promise<StockValuation> {
  const [rows, products, links] = await Promise.all([
    db
      .collection<StockReadModelDoc>(FACT_COLLECTIONS.stockReadModel)
      .find({ tenantId }, { projection: { _id: 0, sku: 1, locationCode: 1, onHand: 1 } })
      .toArray(),
    db
      .collection<ProductMirrorDoc>(FACT_COLLECTIONS.productsMirror)
      .find({ tenantId }, { projection: { _id: 0, sku: 1, name: 1, price: 1 } })
      .toArray(),
    db
      .collection<ProductSupplierMirrorDoc>(FACT_COLLECTIONS.productSuppliersMirror)
      .find({ tenantId }, { projection: { _id: 0, sku: 1, unitCost: 1 } })
      .toArray(),
  ]);
  const lowestCost = new Map<string, number>();
  for (const link of links) lowestCost.set(link.sku, Math.min(link.unitCost, lowestCost.get(link.sku) ?? Infinity));
  const product = new Map(products.map((p) => [p.sku, p]));
  const pairs = new Map<string, ValuedPair>();
  let cents = 0;
  for (const row of rows) {
    const unitCost = lowestCost.get(row.sku) ?? product.get(row.sku)?.price ?? 0;
    cents += Math.round(row.onHand * unitCost * 100);
    pairs.set(pairKey(row.sku, row.locationCode), {
      sku: row.sku,
      locationCode: row.locationCode,
      productName: product.get(row.sku)?.name ?? row.sku,
      onHand: row.onHand,
      unitCost,
    });
  }
  return { pairs, inventoryValue: cents / 100 };
}
