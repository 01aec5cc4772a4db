import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { CUSTOMER_SEGMENTS, type Customer } from '@icc/shared';
import { tenantScopePlugin } from '../tenancy/tenant-scope.plugin.js';

const customerSchema = new Schema(
  {
    code: { type: String, required: true, immutable: true },
    name: { type: String, required: true },
    segment: { type: String, enum: CUSTOMER_SEGMENTS, required: true },
    contactName: String,
    email: String,
    phone: String,
    address: String,
    attributes: { type: Schema.Types.Mixed, default: {} },
  },
  { timestamps: true, versionKey: false, minimize: false },
);
customerSchema.plugin(tenantScopePlugin);
customerSchema.index({ tenantId: 1, code: 1 }, { unique: true });
customerSchema.index({ tenantId: 1, name: 1 });

export type CustomerRecord = InferSchemaType<typeof customerSchema> & { tenantId: string; _id: unknown };

export function customerModel(connection: Connection) {
  return connection.model<Omit<CustomerRecord, '_id'>>('Customer', customerSchema, 'customers');
}

export function toCustomer(doc: CustomerRecord): Customer {
  return {
    id: String(doc._id),
    code: doc.code,
    name: doc.name,
    segment: doc.segment,
    ...(doc.contactName ? { contactName: doc.contactName } : {}),
    ...(doc.email ? { email: doc.email } : {}),
    ...(doc.phone ? { phone: doc.phone } : {}),
    ...(doc.address ? { address: doc.address } : {}),
    attributes: (doc.attributes ?? {}) as Customer['attributes'],
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}
