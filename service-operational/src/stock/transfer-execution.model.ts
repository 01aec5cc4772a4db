import { TRANSFER_EXECUTIONS_COLLECTION, TRANSFER_OUTCOMES, type StoredTransferExecution } from '@icc/shared';
import { Schema, type Connection } from 'mongoose';
import { tenantScopePlugin } from '../tenancy/tenant-scope.plugin.js';

/**
 * What became of each transfer request an accepted TRANSFER recommendation
 * recorded in the analytics database (stock-transfer.requests.ts): `done` is
 * inserted in the transaction that moves the stock, `failed` (with the
 * reason) when the source could not give it. Unique per tenant × request, so
 * a request is executed at most once however often it is read; analytics
 * follows this collection through CDC to close the recommendation.
 */
const transferExecutionSchema = new Schema<StoredTransferExecution>(
  {
    requestId: { type: String, required: true },
    outcome: { type: String, enum: TRANSFER_OUTCOMES, required: true },
    sku: { type: String, required: true },
    fromLocationCode: { type: String, required: true },
    toLocationCode: { type: String, required: true },
    quantity: { type: Number, required: true },
    reason: { type: String, default: null },
  },
  { timestamps: true, versionKey: false },
);
transferExecutionSchema.plugin(tenantScopePlugin);
transferExecutionSchema.index({ tenantId: 1, requestId: 1 }, { unique: true, name: 'one_outcome_per_transfer_request' });

export type TransferExecutionRecord = StoredTransferExecution;

export function transferExecutionModel(connection: Connection) {
  return connection.model<Omit<TransferExecutionRecord, '_id'>>('TransferExecution', transferExecutionSchema, TRANSFER_EXECUTIONS_COLLECTION);
}
