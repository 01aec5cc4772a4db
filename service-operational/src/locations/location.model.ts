import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { LOCATION_TYPES, type Location } from '@icc/shared';
import { tenantScopePlugin } from '../tenancy/tenant-scope.plugin.js';

const locationSchema = new Schema(
  {
    code: { type: String, required: true, immutable: true },
    name: { type: String, required: true },
    type: { type: String, enum: LOCATION_TYPES, required: true },
    timeZone: { type: String, required: true },
    address: String,
    attributes: { type: Schema.Types.Mixed, default: {} },
    status: { type: String, enum: ['active', 'inactive'], required: true, default: 'active' },
  },
  { timestamps: true, versionKey: false, minimize: false },
);
locationSchema.plugin(tenantScopePlugin);
locationSchema.index({ tenantId: 1, code: 1 }, { unique: true });

export type LocationRecord = InferSchemaType<typeof locationSchema> & { tenantId: string; _id: unknown };

export function locationModel(connection: Connection) {
  return connection.model<Omit<LocationRecord, '_id'>>('Location', locationSchema, 'locations');
}

export function toLocation(doc: LocationRecord): Location {
  return {
    id: String(doc._id),
    code: doc.code,
    name: doc.name,
    type: doc.type,
    timeZone: doc.timeZone,
    ...(doc.address ? { address: doc.address } : {}),
    attributes: (doc.attributes ?? {}) as Location['attributes'],
    status: doc.status,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}
