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
import { findPage } from '../http/pagination.js';
import { applyMovements, inStockTransaction, type LedgerResult } from './stock-ledger.js';
import { toStockMovement, type StockMovementRecord } from './stock-movement.model.js';
import { toStockPosition, type StockPositionRecord } from './stock-position.model.js';

const newReferenceId = () => new Types.ObjectId().toHexString();

/** Warehouse operations: each is one transaction through the ledger. */
export function createStockService(models: Models) {
  return {
    adjust(principal: Principal, input: StockAdjustment): Promise<LedgerResult> {
      return inStockTransaction(models, (session) =>
        applyMovements(
          models,
          principal,
          [
            {
              sku: input.sku,
              locationCode: input.locationCode,
              type: 'adjustment',
              deltas: { onHand: input.quantity },
              reference: { type: 'adjustment', id: newReferenceId() },
              reason: input.reason,
            },
          ],
          session,
        ),
      );
    },

    /** Out of one location and into the other, atomically: both rows or neither. */
    transfer(principal: Principal, input: StockTransfer): Promise<LedgerResult> {
      const reference = { type: 'transfer', id: newReferenceId() };
      return inStockTransaction(models, (session) =>
        applyMovements(
          models,
          principal,
          [
            { sku: input.sku, locationCode: input.fromLocationCode, type: 'transferOut', deltas: { onHand: -input.quantity }, reference, reason: input.reason },
            { sku: input.sku, locationCode: input.toLocationCode, type: 'transferIn', deltas: { onHand: input.quantity }, reference, reason: input.reason },
          ],
          session,
        ),
      );
    },

    /** Sellable stock found damaged: on hand → damaged. */
    damage(principal: Principal, input: StockDamage): Promise<LedgerResult> {
      return inStockTransaction(models, (session) =>
        applyMovements(
          models,
          principal,
          [
            {
              sku: input.sku,
              locationCode: input.locationCode,
              type: 'damage',
              deltas: { onHand: -input.quantity, damaged: input.quantity },
              reference: { type: 'damage', id: newReferenceId() },
              reason: input.reason,
            },
          ],
          session,
        ),
      );
    },

    /** Damaged stock disposed of: leaves the books. */
    writeOff(principal: Principal, input: StockDamage): Promise<LedgerResult> {
      return inStockTransaction(models, (session) =>
        applyMovements(
          models,
          principal,
          [
            {
              sku: input.sku,
              locationCode: input.locationCode,
              type: 'writeOff',
              deltas: { damaged: -input.quantity },
              reference: { type: 'writeOff', id: newReferenceId() },
              reason: input.reason,
            },
          ],
          session,
        ),
      );
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

    async availability(query: { sku?: string | undefined; locationCode?: string | undefined }): Promise<Availability[]> {
      const filter: Record<string, unknown> = {};
      if (query.sku) filter.sku = query.sku;
      if (query.locationCode) filter.locationCode = query.locationCode;
      const rows = await models.StockPosition.find(filter).sort({ sku: 1, locationCode: 1 }).limit(1_000).lean<StockPositionRecord[]>();
      return rows.map((p) => ({
        sku: p.sku,
        locationCode: p.locationCode,
        onHand: p.onHand,
        reserved: p.reserved,
        available: p.available,
        onOrder: p.onOrder,
        availableToPromise: p.available,
      }));
    },

    /** Recompute every position from the ledger and report any bucket that differs. */
    async reconcile(): Promise<ReconcileReport> {
      const group: PipelineStage.Group['$group'] = {
        _id: { sku: '$sku', locationCode: '$locationCode' },
        rows: { $sum: 1 },
        ...Object.fromEntries(STOCK_BUCKETS.map((bucket) => [bucket, { $sum: { $ifNull: [`$deltas.${bucket}`, 0] } }])),
      };
      const [ledger, positions] = await Promise.all([
        models.StockMovement.aggregate<Record<string, number> & { _id: { sku: string; locationCode: string }; rows: number }>([
          { $group: group },
        ]),
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
          if (orphan[bucket]) drift.push({ sku: orphan._id.sku, locationCode: orphan._id.locationCode, bucket, position: 0, ledger: orphan[bucket]! });
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
