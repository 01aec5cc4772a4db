import { Schema, type Connection } from 'mongoose';
import { tenantScopePlugin } from '../tenancy/tenant-scope.plugin.js';

/** Per-tenant sequences for human-readable document numbers (SO-20261121-0001). */
const counterSchema = new Schema({ name: { type: String, required: true }, seq: { type: Number, required: true } }, { versionKey: false });
counterSchema.plugin(tenantScopePlugin);
counterSchema.index({ tenantId: 1, name: 1 }, { unique: true });

export interface CounterRecord {
  tenantId: string;
  name: string;
  seq: number;
}

export function counterModel(connection: Connection) {
  return connection.model<CounterRecord>('Counter', counterSchema, 'counters');
}
