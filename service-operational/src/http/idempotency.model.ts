import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { tenantScopePlugin } from '../tenancy/tenant-scope.plugin.js';

/**
 * One `Idempotency-Key` per tenant: the request it was first used with (hash),
 * whether that request is still running, and the response to replay.
 * Expired keys are removed by the TTL index on a real mongod and ignored
 * (then replaced) by the code everywhere, so expiry never depends on the TTL monitor.
 */
const idempotencyKeySchema = new Schema(
  {
    key: { type: String, required: true },
    requestHash: { type: String, required: true },
    state: { type: String, enum: ['inFlight', 'done'], required: true },
    response: { statusCode: Number, body: Schema.Types.Mixed },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
idempotencyKeySchema.plugin(tenantScopePlugin);
idempotencyKeySchema.index({ tenantId: 1, key: 1 }, { unique: true });
idempotencyKeySchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export type IdempotencyKeyRecord = InferSchemaType<typeof idempotencyKeySchema> & { tenantId: string };

export function idempotencyKeyModel(connection: Connection) {
  return connection.model<IdempotencyKeyRecord>('IdempotencyKey', idempotencyKeySchema, 'idempotencyKeys');
}
