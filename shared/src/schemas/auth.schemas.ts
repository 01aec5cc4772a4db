import { z } from 'zod';
import { lineSchema } from './common.schemas.js';

/**
 * Roles an API key can hold. Reads need any valid key; each mutating route
 * names the roles it allows (`admin` is allowed everywhere).
 */
export const ROLES = ['admin', 'warehouse', 'sales', 'purchasing', 'planner', 'service'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const TenantIdSchema = z
  .string()
  .min(2)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and "-"');

/** The caller as the services see it once its API key checked out. */
export interface Principal {
  tenantId: string;
  apiKeyId: string;
  keyName: string;
  roles: Role[];
}

/** A tenant's currency: an ISO 4217 code; money in the APIs is in this unit, the dashboard formats it. */
export const CurrencyCodeSchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'a currency is an ISO 4217 code such as USD or EUR')
  .describe('ISO 4217 currency code');
export const DEFAULT_CURRENCY = 'USD';

export const CreateTenantSchema = z.object({ id: TenantIdSchema, name: lineSchema(120) }).strict();
export const CreateApiKeySchema = z.object({ name: lineSchema(80), roles: z.array(RoleSchema).min(1) }).strict();

/** `POST /api/session`: the API key, exchanged once for a session cookie (the key is not kept). */
export const SignInSchema = z.object({ apiKey: z.string().trim().min(1).max(200) }).strict();
