import { utcDayKey, type CriticalStock, type ExcessStock, type PendingDeliveries, type StoredRecommendation, type SupplierLeadTimes } from '@icc/shared';
import type { Db } from 'mongodb';
import { FACT_COLLECTIONS } from '../facts/fact-collections.js';
import type { ProductMirrorDoc, StockReadModelDoc } from '../facts/reference-mirror.js';
import { supplierDeliveryStats } from '../facts/supplier-delivery.js';
import type { ProductSupplierMirrorDoc, PurchaseOrderMirrorDoc, SupplierMirrorDoc } from '../facts/supply-mirror.js';
import { PLANNING_COLLECTIONS } from '../planning/planning.collections.js';
import type { PlanningPairDocument } from '../planning/planning.types.js';
import { bySavings } from './dashboard-details.js';
import { PENDING_PURCHASE_ORDER_STATUSES } from './dashboard-summary.js';

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * Stock positions below their product's safety stock (master data), the
 * largest shortfall first, with the last planning run's reorder point and
 * position. Two index walks: the tenant's largest safety stock
 * (`{ tenantId, safetyStock }` on products), then the positions whose
 * available stock is below it (`{ tenantId, available }`), so only positions
 * low enough to qualify are read; each is then compared with its own SKU's.
 *
 * @example await criticalStock(analyticsDb, 'acme', 50)
 */
export async function criticalStock(db: Db, tenantId: string, limit: number): Promise<CriticalStock> {
  const highest = await db
    .collection<ProductMirrorDoc>(FACT_COLLECTIONS.productsMirror)
    .findOne({ tenantId }, { sort: { safetyStock: -1 }, projection: { safetyStock: 1 } });
  const low = await db
    .collection<StockReadModelDoc>(FACT_COLLECTIONS.stockReadModel)
    .find({ tenantId, available: { $lt: highest?.safetyStock ?? 0 } }, { projection: { _id: 0, sku: 1, locationCode: 1, onHand: 1, available: 1 } })
    .toArray();
  const skus = [...new Set(low.map((row) => row.sku))];
  const [products, pairs] = await Promise.all([
    db
      .collection<ProductMirrorDoc>(FACT_COLLECTIONS.productsMirror)
      .find({ tenantId, sku: { $in: skus } }, { projection: { _id: 0, sku: 1, name: 1, safetyStock: 1 } })
      .toArray(),
    db
      .collection<PlanningPairDocument>(PLANNING_COLLECTIONS.planningPairs)
      .find({ tenantId, sku: { $in: skus } }, { projection: { _id: 0, sku: 1, locationCode: 1, reorderPoint: 1, inventoryPosition: 1 } })
      .toArray(),
  ]);
  const product = new Map(products.map((p) => [p.sku, p]));
  const planned = new Map(pairs.map((p) => [`${p.sku}\u0000${p.locationCode}`, p]));
  const items = low
    .flatMap((row) => {
      const safetyStock = product.get(row.sku)?.safetyStock ?? 0;
      if (row.available >= safetyStock) return [];
      const pair = planned.get(`${row.sku}\u0000${row.locationCode}`);
      return [
        {
          sku: row.sku,
          productName: product.get(row.sku)?.name ?? row.sku,
          locationCode: row.locationCode,
          onHand: row.onHand,
          available: row.available,
          safetyStock,
          shortBy: safetyStock - row.available,
          plannedReorderPoint: pair?.reorderPoint ?? null,
          plannedPosition: pair?.inventoryPosition ?? null,
        },
      ];
    })
    .sort((a, b) => b.shortBy - a.shortBy || a.sku.localeCompare(b.sku) || a.locationCode.localeCompare(b.locationCode))
    .slice(0, limit);
  return { items, definition: "stock positions whose available stock (on hand − reserved) is below the product's safety stock, the largest shortfall first" };
}

/**
 * Excess stock as the last planning runs found it: PENDING EXCESS_STOCK
 * recommendations, the largest value first (savings are value × the tenant's
 * holding rate, so the savings index gives the same order).
 *
 * @example await excessStock(analyticsDb, 'acme', 50)
 */
export async function excessStock(db: Db, tenantId: string, limit: number): Promise<ExcessStock> {
  const rows: StoredRecommendation[] = await bySavings(db, tenantId, ['EXCESS_STOCK'], limit);
  return {
    items: rows.map((r) => ({
      recommendationId: r._id,
      sku: r.sku,
      productName: r.productName,
      locationCode: r.locationCode,
      position: r.currentPosition,
      excessQuantity: r.quantity,
      value: r.cost,
      runId: r.runId,
    })),
    definition: "positions above the tenant's excess threshold of days of cover (PENDING EXCESS_STOCK recommendations), the largest value tied up first",
  };
}

/**
 * Each supplier's stated lead time (its default and the range its product
 * links state) beside the lead time measured from its received purchase
 * orders (supplierDeliveryStats), in supplier code order.
 *
 * @example await supplierLeadTimes(analyticsDb, 'acme', 50)
 */
export async function supplierLeadTimes(db: Db, tenantId: string, limit: number): Promise<SupplierLeadTimes> {
  const [suppliers, links, measured] = await Promise.all([
    db
      .collection<SupplierMirrorDoc>(FACT_COLLECTIONS.suppliersMirror)
      .find({ tenantId }, { sort: { code: 1 }, limit })
      .toArray(),
    db
      .collection<ProductSupplierMirrorDoc>(FACT_COLLECTIONS.productSuppliersMirror)
      .aggregate<{ _id: string; min: number | null; max: number | null }>([
        { $match: { tenantId, leadTimeDays: { $type: 'number' } } },
        { $group: { _id: '$supplierCode', min: { $min: '$leadTimeDays' }, max: { $max: '$leadTimeDays' } } },
      ])
      .toArray(),
    supplierDeliveryStats(db, tenantId),
  ]);
  const stated = new Map(links.map((l) => [l._id, l]));
  return {
    items: suppliers.map((s) => {
      const link = stated.get(s.code);
      const m = measured.get(s.code);
      return {
        supplierCode: s.code,
        name: s.name,
        status: s.status,
        statedLeadTimeDays: s.defaultLeadTimeDays,
        statedLinkLeadTimeDays: link && link.min !== null && link.max !== null ? { min: link.min, max: link.max } : null,
        measured: {
          receivedOrders: m?.receivedOrders ?? 0,
          meanLeadTimeDays: m?.meanLeadTimeDays === null || m === undefined ? null : round2(m.meanLeadTimeDays),
          leadTimeStdDays: m?.leadTimeStdDays === null || m === undefined ? null : round2(m.leadTimeStdDays),
          meanDelayDays: round2(m?.meanDelayDays ?? 0),
          onTimeRate: round2(m?.onTimeRate ?? 0),
        },
      };
    }),
  };
}

/**
 * Purchase orders placed and not fully received, the earliest expected first:
 * one walk of `{ tenantId, status, expectedDate }` per pending status, merged.
 *
 * @example await pendingDeliveries(analyticsDb, 'acme', 50, new Date())
 */
export async function pendingDeliveries(db: Db, tenantId: string, limit: number, now: Date): Promise<PendingDeliveries> {
  const orders = db.collection<PurchaseOrderMirrorDoc>(FACT_COLLECTIONS.purchaseOrdersMirror);
  const lists = await Promise.all(
    PENDING_PURCHASE_ORDER_STATUSES.map((status) => orders.find({ tenantId, status }, { sort: { expectedDate: 1, _id: 1 }, limit }).toArray()),
  );
  const today = utcDayKey(now);
  const items = lists
    .flat()
    .sort((a, b) => a.expectedDate.getTime() - b.expectedDate.getTime() || a._id.localeCompare(b._id))
    .slice(0, limit)
    .map((po) => {
      const lines = po.lines.filter((l) => l.openQuantity > 0).map((l) => ({ sku: l.sku, openQuantity: l.openQuantity, unitCost: l.unitCost }));
      return {
        purchaseOrderId: po.sourceId,
        poNumber: po.poNumber,
        supplierCode: po.supplierCode,
        locationCode: po.locationCode,
        status: po.status,
        expectedDate: po.expectedDate.toISOString(),
        overdue: utcDayKey(po.expectedDate) < today,
        lines,
        openValue: round2(lines.reduce((sum, l) => sum + l.openQuantity * l.unitCost, 0)),
      };
    });
  return {
    items,
    definition: 'purchase orders placed and not fully received (ordered, partiallyReceived), the earliest expected first; overdue: expected before today (UTC)',
  };
}
