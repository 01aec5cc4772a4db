import type { MongooseQueryMiddleware, Schema } from 'mongoose';
import { requirePrincipal } from './tenant-context.js';

const QUERY_OPERATIONS: MongooseQueryMiddleware[] = [
  'countDocuments',
  'deleteMany',
  'deleteOne',
  'distinct',
  'find',
  'findOne',
  'findOneAndDelete',
  'findOneAndReplace',
  'findOneAndUpdate',
  'replaceOne',
  'updateMany',
  'updateOne',
];

/**
 * Every tenant-owned model gets this plugin: with tenantCollection (the same
 * rule for the few hot paths that talk to the driver directly), the only place
 * where tenancy is enforced. Each query is narrowed to the caller's tenant, each
 * new document is stamped with it, and each aggregation starts by matching it.
 * Code that runs with no caller in scope fails loudly instead of reading every tenant.
 *
 * `tenantId` is immutable, so no update can move a document between tenants.
 */
export function tenantScopePlugin(schema: Schema): void {
  schema.add({ tenantId: { type: String, required: true, immutable: true } });

  schema.pre(QUERY_OPERATIONS, function scopeQuery() {
    this.where({ tenantId: requirePrincipal().tenantId });
  });

  schema.pre('aggregate', function scopeAggregate() {
    this.pipeline().unshift({ $match: { tenantId: requirePrincipal().tenantId } });
  });

  schema.pre('validate', function stampDocument() {
    const { tenantId } = requirePrincipal();
    if (this.isNew) this.set('tenantId', tenantId);
    else if (this.get('tenantId') !== tenantId) throw new Error('Refusing to save a document of another tenant');
  });

  // Mongoose 9 passes the documents as the hook's first argument.
  schema.pre('insertMany', function stampMany(docs: unknown) {
    const { tenantId } = requirePrincipal();
    for (const doc of Array.isArray(docs) ? docs : [docs]) (doc as { tenantId?: string }).tenantId = tenantId;
  });

  // Bulk writes bypass query middleware, so stamp each operation here.
  schema.pre('bulkWrite', function scopeBulkWrite(ops: unknown) {
    const { tenantId } = requirePrincipal();
    for (const op of ops as Array<Record<string, Record<string, Record<string, unknown>>>>) {
      const [kind, spec] = Object.entries(op)[0] ?? [];
      if (!kind || !spec) continue;
      if (kind === 'insertOne') spec.document = { ...spec.document, tenantId };
      else spec.filter = { ...spec.filter, tenantId };
      if (kind === 'replaceOne') spec.replacement = { ...spec.replacement, tenantId };
    }
  });
}
