import { Long, type Document } from 'bson';
import { isEqual } from 'mingo/util';
import { CommandError, ErrorCode } from '../errors.js';
import type { Collection } from '../storage/collection.js';
import { ID_INDEX_SPEC } from '../storage/collection.js';
import { formatKeyValue } from '../storage/duplicate-key.js';
import { IndexStore, defaultIndexName, type IndexSpec } from '../storage/index-store.js';
import { encodeKey } from '../storage/key-encoding.js';
import { collectionName, type CommandContext, type CommandTable } from './context.js';

/** Options that make two indexes on the same key different indexes (the rest are ignored for comparison). */
const COMPARED_OPTIONS = ['unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds', 'collation'];

function normalizeSpec(raw: Document): IndexSpec {
  const key = raw.key as Record<string, number | string> | undefined;
  if (!key || typeof key !== 'object' || Object.keys(key).length === 0) {
    throw new CommandError(ErrorCode.FailedToParse, "The 'key' field is a required property of an index specification");
  }
  const name = typeof raw.name === 'string' ? raw.name : defaultIndexName(key);
  const { v: _v, ns: _ns, ...rest } = raw;
  const spec: IndexSpec = { ...rest, v: 2, key, name };
  if (spec.unique === false) delete spec.unique;
  if (spec.sparse === false) delete spec.sparse;
  return spec;
}

function sameOptions(a: IndexSpec, b: IndexSpec): boolean {
  return COMPARED_OPTIONS.every((option) => isEqual(a[option] ?? null, b[option] ?? null));
}

/** Whether an identical index exists already (then creating it is a no-op); throws on a conflicting one. */
function existing(coll: Collection, spec: IndexSpec): boolean {
  const all = [ID_INDEX_SPEC, ...coll.indexes.map((i) => i.spec)];
  const byName = all.find((s) => s.name === spec.name);
  if (byName) {
    if (!isEqual(byName.key, spec.key)) {
      throw new CommandError(
        ErrorCode.IndexKeySpecsConflict,
        `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(byName)}`,
      );
    }
    if (!sameOptions(byName, spec)) {
      throw new CommandError(
        ErrorCode.IndexOptionsConflict,
        `An equivalent index already exists with the same name but different options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(byName)}`,
      );
    }
    return true;
  }
  const byKey = all.find((s) => isEqual(s.key, spec.key) && sameOptions(s, spec));
  if (byKey) throw new CommandError(ErrorCode.IndexOptionsConflict, `Index already exists with a different name: ${byKey.name}`);
  return false;
}

/** Build an index over the existing documents; a unique index over duplicates fails with E11000 like mongod. */
function build(coll: Collection, spec: IndexSpec): IndexStore {
  const index = new IndexStore(spec, coll.metrics, coll.current);
  for (const [id, { doc }] of coll.docs) {
    if (index.unique) {
      for (const tuple of index.tuples(doc)) {
        const other = [...(index.lookup(tuple.map(encodeKey)) ?? [])].find((x) => x !== id);
        if (other === undefined) continue;
        const keyValue: Document = {};
        index.fields.forEach((f, i) => (keyValue[f] = tuple[i] ?? null));
        throw new CommandError(
          ErrorCode.DuplicateKey,
          `Index build failed: E11000 duplicate key error collection: ${coll.ns} index: ${spec.name} dup key: ${formatKeyValue(keyValue)}`,
          { keyPattern: spec.key, keyValue },
        );
      }
    }
    index.add(id, doc);
  }
  return index;
}

function createIndexes(ctx: CommandContext): Document {
  const name = collectionName(ctx, 'createIndexes');
  const raw: unknown = ctx.body.indexes;
  if (!Array.isArray(raw) || raw.length === 0) throw new CommandError(ErrorCode.BadValue, 'Must specify at least one index to create');
  const createdCollectionAutomatically = !ctx.server.engine.collection(ctx.db, name);
  const coll = ctx.server.engine.ensureCollection(ctx.db, name);
  const numIndexesBefore = coll.indexes.length + 1;
  const specs = (raw as Document[]).map(normalizeSpec).filter((spec) => !existing(coll, spec));
  const built = specs.map((spec) => build(coll, spec));
  ctx.server.engine.addIndexes(coll, built);
  return {
    numIndexesBefore,
    numIndexesAfter: coll.indexes.length + 1,
    createdCollectionAutomatically,
    ...(built.length === 0 ? { note: 'all indexes already exist' } : {}),
  };
}

function listIndexes(ctx: CommandContext): Document {
  const name = collectionName(ctx, 'listIndexes');
  const coll = ctx.server.engine.collection(ctx.db, name);
  if (!coll) throw new CommandError(ErrorCode.NamespaceNotFound, `ns does not exist: ${ctx.db}.${name}`);
  const firstBatch = [ID_INDEX_SPEC, ...coll.indexes.map((i) => i.spec)];
  return { cursor: { id: Long.ZERO, ns: `${ctx.db}.${name}`, firstBatch } };
}

function dropIndexes(ctx: CommandContext, command: string): Document {
  const name = collectionName(ctx, command);
  const coll = ctx.server.engine.collection(ctx.db, name);
  if (!coll) throw new CommandError(ErrorCode.NamespaceNotFound, `ns not found ${ctx.db}.${name}`);
  const nIndexesWas = coll.indexes.length + 1;
  const target: unknown = ctx.body.index;
  const names = target === '*' ? coll.indexes.map((i) => i.spec.name) : (Array.isArray(target) ? target : [target]).map((one) => indexName(coll, one));
  ctx.server.engine.dropIndexes(coll, [...new Set(names)]);
  return { nIndexesWas };
}

/** The name of the secondary index a `dropIndexes` target (name or key pattern) names. */
function indexName(coll: Collection, target: unknown): string {
  const isId = target === '_id_' || (typeof target === 'object' && isEqual(target, { _id: 1 }));
  if (isId) throw new CommandError(ErrorCode.InvalidOptions, 'cannot drop _id index');
  const at = coll.indexes.findIndex((i) => (typeof target === 'string' ? i.spec.name === target : isEqual(i.spec.key, target)));
  if (at < 0) {
    const what = typeof target === 'string' ? `with name [${target}]` : `with key pattern ${JSON.stringify(target)}`;
    throw new CommandError(ErrorCode.IndexNotFound, `index not found ${what}`);
  }
  return (coll.indexes[at] as IndexStore).spec.name;
}

export const indexCommands: CommandTable = {
  createIndexes,
  listIndexes,
  dropIndexes: (ctx) => dropIndexes(ctx, 'dropIndexes'),
  deleteIndexes: (ctx) => dropIndexes(ctx, 'deleteIndexes'),
};
