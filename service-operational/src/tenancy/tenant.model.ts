import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/** A customer organisation. Tenants are not tenant-scoped themselves: only the admin CLI touches them. */
const tenantSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
  },
  { timestamps: true, versionKey: false },
);

export type TenantDocument = InferSchemaType<typeof tenantSchema>;

export function tenantModel(connection: Connection) {
  return connection.model('Tenant', tenantSchema, 'tenants');
}
