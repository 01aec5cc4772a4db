import {
  AppError,
  STOCK_BUCKETS,
  type Availability,
  type Page,
  type Principal,
  type ReconcileReport,
  type StockAdjustment,
  type StockDamage,
  type StockMovement,
  type StockPosition,
  type StockTransfer,
} from '@icc/shared';
import type { CurrentStockQuerySchema, MovementsQuerySchema } from '@icc/shared';
import { Types, type PipelineStage } from 'mongoose';
import type { z } from 'zod';
import type { Models } from '../db/models.js';
import { findPage } from '../db/pagination.js';
import type { LivePublisher } from '../live/live.types.js';
import { ON_ORDER_STATUSES } from '../purchase-orders/purchase-order.lifecycle.js';
import type { AvailabilityPageQuerySchema } from './stock.query-schemas.js';
import { applyMovements, inStockTransaction, type LedgerResult, type MovementInput } from './stock-ledger.js';
import { toStockMovement, type StockMovementRecord } from './stock-movement.model.js';
import { toStockPosition, type StockPositionRecord } from './stock-position.model.js';

const newReferenceId = () => new Types.ObjectId().toHexString();

/** Announce a committed stock change to the tenant's dashboard, SKU and location rooms. */
export function publishStockChange(live: LivePublisher, principal: Principal, result: LedgerResult): void {
  if (result.movements.length === 0) return;
  live.publish(
    principal.tenantId,
    'stock:updated',
    {
      positions: result.positions,
      movements: result.movements.map(({ id, sku, locationCode, type, deltas, reference, at }) => ({ id, sku, locationCode, type, deltas, reference, at })),
    },
    { skus: [...new Set(result.movements.map((m) => m.sku))], locationCodes: [...new Set(result.movements.map((m) => m.locationCode))] },
  );
}

/** Warehouse operations: each is one transaction through the ledger, announced after commit. */
export function createStockService(models: Models, live: LivePublisher) {
  async function commit(principal: Principal, movements: MovementInput[]): Promise<LedgerResult> {
    const result = await inStockTransaction(models, (session) => applyMovements(models, principal, movements, session), movements);
    publishStockChange(live, principal, result);
    return result;
  }

  return {
    adjust(principal: Principal, input: StockAdjustment): Promise<LedgerResult> {
      return commit(principal, [
        {
          sku: input.sku,
          locationCode: input.locationCode,
          type: 'adjustment',
          deltas: { onHand: input.quantity },
          reference: { type: 'adjustment', id: newReferenceId() },
          reason: input.reason,
        },
      ]);
    },

    /** Out of one location and into the other, atomically: both rows or neither. */
    transfer(principal: Principal, input: StockTransfer): Promise<LedgerResult> {
      const reference = { type: 'transfer', id: newReferenceId() };
      return commit(principal, [
        { sku: input.sku, locationCode: input.fromLocationCode, type: 'transferOut', deltas: { onHand: -input.quantity }, reference, reason: input.reason },
        { sku: input.sku, locationCode: input.toLocationCode, type: 'transferIn', deltas: { onHand: input.quantity }, reference, reason: input.reason },
      ]);
    },

    /** Sellable stock found damaged: on hand → damaged. */
    damage(principal: Principal, input: StockDamage): Promise<LedgerResult> {
      return commit(principal, [
        {
          sku: input.sku,
          locationCode: input.locationCode,
          type: 'damage',
          deltas: { onHand: -input.quantity, damaged: input.quantity },
          reference: { type: 'damage', id: newReferenceId() },
          reason: input.reason,
        },
      ]);
    },

    /** Damaged stock disposed of: leaves the books. */
    writeOff(principal: Principal, input: StockDamage): Promise<LedgerResult> {
      return commit(principal, [
        {
          sku: input.sku,
          locationCode: input.locationCode,
          type: 'writeOff',
          deltas: { damaged: -input.quantity },
          reference: { type: 'writeOff', id: newReferenceId() },
          reason: input.reason,
        },
      ]);
    },

    current(query: z.infer<typeof CurrentStockQuerySchema>): Promise<Page<StockPosition>> {
      const filter: Record<string, unknown> = {};
      if (query.sku) filter.sku = query.sku;
      if (query.locationCode) filter.locationCode = query.locationCode;
      if (query.lowStock !== undefined) filter.lowStock = query.lowStock;
      return findPage(models.StockPosition, filter, { ...query, sort: 'sku' }, (d) => toStockPosition(d as StockPositionRecord));
    },

    movements(query: z.infer<typeof MovementsQuerySchema>): Promise<Page<StockMovement>> {
      const filter: Record<string, unknown> = {};
      if (query.sku) filter.sku = query.sku;
      if (query.locationCode) filter.locationCode = query.locationCode;
      if (query.type) filter.type = query.type;
      if (query.referenceType) filter['reference.type'] = query.referenceType;
      if (query.referenceId) filter['reference.id'] = query.referenceId;
      if (query.from || query.to) {
        filter.at = { ...(query.from ? { $gte: new Date(query.from) } : {}), ...(query.to ? { $lt: new Date(query.to) } : {}) };
      }
      return findPage(models.StockMovement, filter, { ...query, sort: 'at' }, (d) => toStockMovement(d as StockMovementRecord));
    },

    /**
     * Available-to-promise per SKU × location by a date: what is available now,
     * less confirmed demand still waiting for stock (back-orders), plus what
     * open purchase orders will bring in by then. One page of positions at a
     * time (SKU order), and the purchase and sales orders read are only those
     * touching the page's SKUs and locations, so a request costs the same
     * however large the tenant is.
     */
    async availability(query: z.infer<typeof AvailabilityPageQuerySchema>): Promise<Page<Availability>> {
      const date = query.date ? new Date(query.date) : new Date();
      const where: Record<string, unknown> = {};
      if (query.sku) where.sku = query.sku;
      if (query.locationCode) where.locationCode = query.locationCode;
      const page = await findPage(
        models.StockPosition,
        where,
        { sort: 'sku', order: 'asc', limit: query.limit, cursor: query.cursor },
        (d) => d as StockPositionRecord,
      );
      if (page.items.length === 0) return { items: [], nextCursor: page.nextCursor };
      const skus = { $in: [...new Set(page.items.map((p) => p.sku))] };
      const atLocation = { locationCode: { $in: [...new Set(page.items.map((p) => p.locationCode))] } };
      const [incoming, backorders] = await Promise.all([
        models.PurchaseOrder.aggregate<{ _id: { sku: string; locationCode: string }; quantity: number }>([
          { $match: { status: { $in: [...ON_ORDER_STATUSES] }, expectedDate: { $lte: date }, ...atLocation, 'lines.sku': skus } },
          { $unwind: '$lines' },
          { $match: { 'lines.sku': skus } },
          {
            $group: {
              _id: { sku: '$lines.sku', locationCode: '$locationCode' },
              quantity: { $sum: { $subtract: ['$lines.quantity', '$lines.receivedQuantity'] } },
            },
          },
        ]),
        models.SalesOrder.aggregate<{ _id: { sku: string; locationCode: string }; quantity: number }>([
          { $match: { status: 'confirmed', 'lines.status': 'backordered', ...atLocation, 'lines.sku': skus } },
          { $unwind: '$lines' },
          { $match: { 'lines.status': 'backordered', 'lines.sku': skus } },
          { $group: { _id: { sku: '$lines.sku', locationCode: '$locationCode' }, quantity: { $sum: '$lines.backorderedQuantity' } } },
        ]),
      ]);
      const key = (sku: string, locationCode: string) => `${sku}\u0000${locationCode}`;
      const incomingBy = new Map(incoming.map((r) => [key(r._id.sku, r._id.locationCode), r.quantity]));
      const backorderedBy = new Map(backorders.map((r) => [key(r._id.sku, r._id.locationCode), r.quantity]));
      const items = page.items.map((p) => {
        const backordered = backorderedBy.get(key(p.sku, p.locationCode)) ?? 0;
        const incomingByDate = incomingBy.get(key(p.sku, p.locationCode)) ?? 0;
        return {
          sku: p.sku,
          locationCode: p.locationCode,
          onHand: p.onHand,
          reserved: p.reserved,
          available: p.available,
          onOrder: p.onOrder,
          backordered,
          incomingByDate,
          availableToPromise: p.available - backordered + incomingByDate,
          date: date.toISOString(),
        };
      });
      return { items, nextCursor: page.nextCursor };
    },

    /** Recompute every position from the ledger and report any bucket that differs. */
    async reconcile(): Promise<ReconcileReport> {
      const group: PipelineStage.Group['$group'] = {
        _id: { sku: '$sku', locationCode: '$locationCode' },
        rows: { $sum: 1 },
        ...Object.fromEntries(STOCK_BUCKETS.map((bucket) => [bucket, { $sum: { $ifNull: [`$deltas.${bucket}`, 0] } }])),
      };
      const [ledger, positions] = await Promise.all([
        models.StockMovement.aggregate<Record<string, number> & { _id: { sku: string; locationCode: string }; rows: number }>([{ $group: group }]),
        models.StockPosition.find({}).lean<StockPositionRecord[]>(),
      ]);
      const sums = new Map(ledger.map((row) => [`${row._id.sku}\u0000${row._id.locationCode}`, row]));
      const drift: ReconcileReport['drift'] = [];
      for (const position of positions) {
        const key = `${position.sku}\u0000${position.locationCode}`;
        const sum = sums.get(key);
        sums.delete(key);
        const expected: Record<string, number> = { available: (sum?.onHand ?? 0) - (sum?.reserved ?? 0) };
        for (const bucket of STOCK_BUCKETS) expected[bucket] = sum?.[bucket] ?? 0;
        for (const [bucket, value] of Object.entries(expected)) {
          const actual = position[bucket as keyof StockPositionRecord] as number;
          if (actual !== value) drift.push({ sku: position.sku, locationCode: position.locationCode, bucket, position: actual, ledger: value });
        }
      }
      // Ledger rows with no position at all are drift too.
      for (const orphan of sums.values()) {
        for (const bucket of STOCK_BUCKETS) {
          if (orphan[bucket]) drift.push({ sku: orphan._id.sku, locationCode: orphan._id.locationCode, bucket, position: 0, ledger: orphan[bucket] });
        }
      }
      return {
        positionsChecked: positions.length,
        movementsChecked: ledger.reduce((n, row) => n + row.rows, 0),
        drift,
      };
    },

    async productStock(sku: string) {
      const product = await models.Product.findOne({ sku }).lean();
      if (!product) throw new AppError('NOT_FOUND', `Product ${sku} does not exist`);
      const rows = await models.StockPosition.find({ sku }).sort({ locationCode: 1 }).lean<StockPositionRecord[]>();
      const locations = rows.map(toStockPosition);
      const totals = { onHand: 0, reserved: 0, available: 0, onOrder: 0, inTransit: 0, damaged: 0 };
      for (const p of locations) for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += p[k];
      return { sku, name: product.name, unit: product.unit, totals, locations };
    },
  };
}

export type StockService = ReturnType<typeof createStockService>;
