import { Schema, type Connection } from 'mongoose';
import { MOVEMENT_TYPES, type StockMovement, type StoredStockMovement } from '@icc/shared';
import { tenantScopePlugin } from '../tenancy/tenant-scope.plugin.js';

const balances = {
  onHand: { type: Number, required: true },
  reserved: { type: Number, required: true },
  available: { type: Number, required: true },
  onOrder: { type: Number, required: true },
  inTransit: { type: Number, required: true },
  damaged: { type: Number, required: true },
};

/**
 * The movement ledger: append-only. A position always equals the sum of its
 * rows' deltas (GET /api/stock/reconcile checks it). Updates and deletes are
 * refused at the model, so no code path can rewrite history.
 */
const stockMovementSchema = new Schema<StoredStockMovement>(
  {
    sku: { type: String, required: true },
    locationCode: { type: String, required: true },
    type: { type: String, enum: MOVEMENT_TYPES, required: true },
    deltas: {
      onHand: Number,
      reserved: Number,
      onOrder: Number,
      inTransit: Number,
      damaged: Number,
    },
    balanceAfter: balances,
    reference: {
      type: { type: String, required: true },
      id: { type: String, required: true },
      line: { type: Number },
    },
    reason: { type: String },
    actor: { apiKeyId: { type: String, required: true }, keyName: { type: String, required: true } },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
stockMovementSchema.plugin(tenantScopePlugin);
stockMovementSchema.index({ tenantId: 1, sku: 1, locationCode: 1, at: -1 });
stockMovementSchema.index({ tenantId: 1, at: -1 });
stockMovementSchema.index({ tenantId: 1, 'reference.type': 1, 'reference.id': 1 });

stockMovementSchema.pre(
  ['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne', 'findOneAndReplace', 'deleteOne', 'deleteMany', 'findOneAndDelete'],
  () => {
    throw new Error('The stock movement ledger is append-only');
  },
);

/** A ledger row as stored: the shape is shared's (service-analytics reads the same documents). */
export type StockMovementRecord = StoredStockMovement;

export function stockMovementModel(connection: Connection) {
  return connection.model<Omit<StockMovementRecord, '_id'>>('StockMovement', stockMovementSchema, 'stockMovements');
}

export function toStockMovement(doc: StockMovementRecord): StockMovement {
  const deltas: StockMovement['deltas'] = {};
  for (const [bucket, value] of Object.entries(doc.deltas ?? {})) {
    if (typeof value === 'number' && value !== 0) deltas[bucket as keyof StockMovement['deltas']] = value;
  }
  return {
    id: String(doc._id),
    sku: doc.sku,
    locationCode: doc.locationCode,
    type: doc.type,
    deltas,
    balanceAfter: { ...doc.balanceAfter },
    reference: {
      type: doc.reference.type,
      id: doc.reference.id,
      ...(doc.reference.line == null ? {} : { line: doc.reference.line }),
    },
    ...(doc.reason ? { reason: doc.reason } : {}),
    actor: { apiKeyId: doc.actor.apiKeyId, keyName: doc.actor.keyName },
    at: doc.at.toISOString(),
  };
}
