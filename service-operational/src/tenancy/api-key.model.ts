import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { ROLES } from '@icc/shared';

/**
 * An API key, stored as the SHA-256 of the key. Keys are 192 random bits, so a
 * fast hash is enough (as for GitHub or Stripe tokens): nobody can brute-force
 * the pre-image, and lookups stay one indexed equality match.
 * Not tenant-scoped by the plugin: authentication has to find the key before it
 * knows the tenant.
 */
const apiKeySchema = new Schema(
  {
    tenantId: { type: String, required: true },
    name: { type: String, required: true },
    keyHash: { type: String, required: true, unique: true },
    /** First characters of the key, so people can tell keys apart in listings. */
    prefix: { type: String, required: true },
    roles: { type: [String], enum: ROLES, required: true },
    revokedAt: { type: Date },
  },
  { timestamps: true, versionKey: false },
);

export type ApiKeyDocument = InferSchemaType<typeof apiKeySchema>;

export function apiKeyModel(connection: Connection) {
  return connection.model('ApiKey', apiKeySchema, 'apiKeys');
}
