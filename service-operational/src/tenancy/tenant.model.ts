import { DEFAULT_CURRENCY } from '@icc/shared';
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/** A customer organisation. Tenants are not tenant-scoped themselves: only the admin CLI touches them. */
const tenantSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    /** ISO 4217 (`CurrencyCodeSchema`): the unit of every price and cost of the tenant; the dashboard formats money in it. */
    currency: { type: String, default: DEFAULT_CURRENCY, match: /^[A-Z]{3}$/ },
  },
  { timestamps: true, versionKey: false },
);

export type TenantDocument = InferSchemaType<typeof tenantSchema>;

export function tenantModel(connection: Connection) {
  return connection.model('Tenant', tenantSchema, 'tenants');
}
