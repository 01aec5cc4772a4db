import type { Model, mongo } from 'mongoose';
import { requirePrincipal } from './tenant-context.js';

/** A write of a bulk write, as the hot paths use them. */
export type TenantWrite<T> = { insertOne: { document: Omit<T, 'tenantId'> } } | { updateOne: { filter: mongo.Filter<T>; update: mongo.UpdateFilter<T> } };

/** What is read of a model here; these members do not depend on the model's type parameters. */
type ModelHandle = Pick<Model<unknown>, 'db' | 'modelName' | 'collection'>;

/**
 * The driver's own commands on a tenant-owned collection, with the rule of the
 * tenant-scope plugin applied here instead: every filter is narrowed to the
 * caller's tenant, every new document stamped with it. Tenancy is enforced in
 * these two places only.
 *
 * For the hot paths (taking an order, the stock ledger), whose documents are
 * built in code from parsed input: there Mongoose's query building, casting
 * and hooks cost about a third of each command's CPU in the service and add
 * nothing. Nothing is cast or validated here, so never pass raw client input.
 *
 * Only the model's connection and collection name are used, so any model is
 * accepted whatever its document type; `T` names the stored shape.
 *
 * @example
 *   const positions = tenantCollection<StockPositionRecord>(models.StockPosition);
 *   await positions.find({ locationCode: 'WH', sku: { $in: ['A', 'B'] } }, { session });
 */
export function tenantCollection<T extends { tenantId: string }>(model: ModelHandle): TenantCollection<T> {
  let scoped = byModel.get(model) as TenantCollection<T> | undefined;
  if (!scoped) byModel.set(model, (scoped = scopedCollection<T>(model)));
  return scoped;
}

export interface TenantCollection<T extends { tenantId: string }> {
  find(filter: mongo.Filter<T>, options?: mongo.FindOptions): Promise<mongo.WithId<T>[]>;
  /** The document after the update (upserted if asked). */
  findOneAndUpdate(
    filter: mongo.Filter<T>,
    update: mongo.UpdateFilter<T>,
    options?: { upsert?: boolean; session?: mongo.ClientSession },
  ): Promise<mongo.WithId<T> | null>;
  insertOne(document: Omit<T, 'tenantId'>, options?: mongo.InsertOneOptions): Promise<void>;
  /** Several documents in one command (the driver runs it as a bulk write; for one document insertOne is lighter). */
  insertMany(documents: ReadonlyArray<Omit<T, 'tenantId'>>, options?: mongo.BulkWriteOptions): Promise<void>;
  bulkWrite(writes: ReadonlyArray<TenantWrite<T>>, options?: mongo.BulkWriteOptions): Promise<mongo.BulkWriteResult>;
}

const byModel = new WeakMap<ModelHandle, unknown>();

function scopedCollection<T extends { tenantId: string }>(model: ModelHandle): TenantCollection<T> {
  let cached: { db: mongo.Db; collection: mongo.Collection<T> } | undefined;
  const collection = (): mongo.Collection<T> => {
    // The driver's collection, not `model.collection` (Mongoose's wrapper, which queues commands while
    // disconnected): hot paths only run inside requests, after the connection is open.
    const db = model.db.db;
    if (!db) throw new Error(`${model.modelName}: the database connection is not open`);
    if (cached?.db !== db) cached = { db, collection: db.collection<T>(model.collection.collectionName) };
    return cached.collection;
  };
  const scoped = (filter: mongo.Filter<T>): mongo.Filter<T> => ({ ...filter, tenantId: requirePrincipal().tenantId });
  // A document of T once stamped; the driver's insert types spell "T, _id optional" differently per command.
  const stamped = (document: Omit<T, 'tenantId'>) => ({ ...document, tenantId: requirePrincipal().tenantId }) as unknown as T;

  return {
    find: (filter, options = {}) => collection().find(scoped(filter), options).toArray(),
    findOneAndUpdate: (filter, update, options = {}) => collection().findOneAndUpdate(scoped(filter), update, { ...options, returnDocument: 'after' }),
    async insertOne(document, options = {}) {
      await collection().insertOne(stamped(document) as mongo.OptionalUnlessRequiredId<T>, options);
    },
    async insertMany(documents, options = {}) {
      await collection().insertMany(
        documents.map((document) => stamped(document) as mongo.OptionalUnlessRequiredId<T>),
        options,
      );
    },
    bulkWrite(writes, options = {}) {
      const operations = writes.map((write): mongo.AnyBulkWriteOperation<T> =>
        'insertOne' in write
          ? { insertOne: { document: stamped(write.insertOne.document) as mongo.OptionalId<T> } }
          : { updateOne: { filter: scoped(write.updateOne.filter), update: write.updateOne.update } },
      );
      return collection().bulkWrite(operations, options);
    },
  };
}
