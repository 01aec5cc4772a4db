import { Schema, type Connection } from 'mongoose';
import { LOCATION_TYPES, type Location, type StoredLocation } from '@icc/shared';
import { tenantScopePlugin } from '../tenancy/tenant-scope.plugin.js';

const locationSchema = new Schema<StoredLocation>(
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

/** A stored location: the shape is shared's (planning will read the same documents). */
export type LocationRecord = StoredLocation;

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
    attributes: doc.attributes ?? {},
    status: doc.status,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}
