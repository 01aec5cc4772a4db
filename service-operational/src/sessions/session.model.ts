import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { ROLES } from '@icc/shared';

/**
 * A browser's signed-in session: the cookie holds a random token, this collection only its
 * SHA-256 (like API keys: a 256-bit secret needs no slow hash). It names the API key it was
 * opened with; requests act as that key, so revoking the key ends its sessions too.
 * Not tenant-scoped by the plugin: the cookie has to find the session before the tenant is known.
 * Expired sessions are removed by the TTL index and ignored by the code before that.
 */
const sessionSchema = new Schema(
  {
    tokenHash: { type: String, required: true, unique: true },
    tenantId: { type: String, required: true },
    apiKeyId: { type: String, required: true },
    /** The key's roles when the session opened (for the record); requests use the key's current roles. */
    roles: { type: [String], enum: ROLES, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date },
  },
  { timestamps: true, versionKey: false },
);
sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export type SessionDocument = InferSchemaType<typeof sessionSchema>;

export function sessionModel(connection: Connection) {
  return connection.model('Session', sessionSchema, 'sessions');
}

/**
 * A one-time sign-in code (`pnpm start`'s link): the SHA-256 of the code, the key it signs in
 * as, when it expires, and when it was used (a code works once).
 */
const signInCodeSchema = new Schema(
  {
    codeHash: { type: String, required: true, unique: true },
    tenantId: { type: String, required: true },
    apiKeyId: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date },
  },
  { timestamps: true, versionKey: false },
);
signInCodeSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export type SignInCodeDocument = InferSchemaType<typeof signInCodeSchema>;

export function signInCodeModel(connection: Connection) {
  return connection.model('SignInCode', signInCodeSchema, 'signInCodes');
}
