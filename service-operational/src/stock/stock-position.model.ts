import { Schema, type Connection } from 'mongoose';
import type { StockPosition, StoredStockPosition } from '@icc/shared';
import { tenantScopePlugin } from '../tenancy/tenant-scope.plugin.js';

/**
 * One product at one location. Only the stock ledger writes it (see
 * stock-ledger.ts), always together with the movement rows that explain it.
 * `available` (onHand − reserved) and `lowStock` (available < reorderPoint) are
 * stored so "what is low" is an indexed lookup, not a scan.
 */
const stockPositionSchema = new Schema<StoredStockPosition>(
  {
    sku: { type: String, required: true },
    locationCode: { type: String, required: true },
    onHand: { type: Number, required: true, default: 0 },
    reserved: { type: Number, required: true, default: 0 },
    available: { type: Number, required: true, default: 0 },
    onOrder: { type: Number, required: true, default: 0 },
    inTransit: { type: Number, required: true, default: 0 },
    damaged: { type: Number, required: true, default: 0 },
    reorderPoint: { type: Number, required: true, default: 0 },
    lowStock: { type: Boolean, required: true, default: false },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
stockPositionSchema.plugin(tenantScopePlugin);
stockPositionSchema.index({ tenantId: 1, sku: 1, locationCode: 1 }, { unique: true });
stockPositionSchema.index({ tenantId: 1, locationCode: 1, sku: 1 });
stockPositionSchema.index({ tenantId: 1, lowStock: 1, sku: 1 });

/**
 * A stored position: the shape is shared's (service-analytics reads the same documents).
 * Without `_id`: the ledger inserts new positions and lets the driver assign it.
 */
export type StockPositionRecord = Omit<StoredStockPosition, '_id'>;

export function stockPositionModel(connection: Connection) {
  return connection.model<StockPositionRecord>('StockPosition', stockPositionSchema, 'stockPositions');
}

export function toStockPosition(doc: StockPositionRecord): StockPosition {
  return {
    sku: doc.sku,
    locationCode: doc.locationCode,
    onHand: doc.onHand,
    reserved: doc.reserved,
    available: doc.available,
    onOrder: doc.onOrder,
    inTransit: doc.inTransit,
    damaged: doc.damaged,
    reorderPoint: doc.reorderPoint,
    lowStock: doc.lowStock,
    updatedAt: doc.updatedAt.toISOString(),
  };
}
