import { Long, type Document } from 'bson';
import { CommandError, ErrorCode } from '../errors.js';
import { compileFilter } from '../query/mingo.js';
import { ID_INDEX_SPEC, type Collection } from '../storage/collection.js';
import { collectionName, commandOptions, type CommandContext, type CommandTable } from './context.js';

/** A `listCollections` entry, as mongod describes a collection. */
function collectionInfo(coll: Collection): { name: string; type: 'collection' } & Document {
  return {
    name: coll.name,
    type: 'collection',
    options: coll.options,
    info: { readOnly: false, uuid: coll.uuid },
    idIndex: ID_INDEX_SPEC,
  };
}

function listCollections(ctx: CommandContext): Document {
  const matches = compileFilter(ctx.body.filter as Document | undefined);
  const nameOnly = ctx.body.nameOnly === true;
  const firstBatch = ctx.server.engine
    .collections(ctx.db)
    .map(collectionInfo)
    .filter(matches)
    .map((info) => (nameOnly ? { name: info.name, type: info.type } : info));
  return { cursor: { id: Long.ZERO, ns: `${ctx.db}.$cmd.listCollections`, firstBatch } };
}

function listDatabases(ctx: CommandContext): Document {
  const { engine } = ctx.server;
  const databases = engine.databaseNames().map((name) => ({
    name,
    sizeOnDisk: engine.collections(name).reduce((n, c) => n + c.docs.size, 0) * 100,
    empty: false,
  }));
  const matches = compileFilter(ctx.body.filter as Document | undefined);
  const filtered = databases.filter(matches);
  if (ctx.body.nameOnly === true) return { databases: filtered.map(({ name }) => ({ name })) };
  return { databases: filtered, totalSize: filtered.reduce((n, d) => n + d.sizeOnDisk, 0) };
}

function create(ctx: CommandContext): Document {
  const name = collectionName(ctx, 'create');
  if (ctx.body.viewOn !== undefined) throw new CommandError(ErrorCode.InvalidOptions, 'views are not supported by embedded-mongo');
  if (ctx.server.engine.collection(ctx.db, name)) {
    throw new CommandError(ErrorCode.NamespaceExists, `Collection ${ctx.db}.${name} already exists.`);
  }
  ctx.server.engine.ensureCollection(ctx.db, name, commandOptions(ctx.body, 'create'));
  return {};
}

/** Since 7.0 dropping a missing collection succeeds. */
function drop(ctx: CommandContext): Document {
  const name = collectionName(ctx, 'drop');
  const coll = ctx.server.engine.collection(ctx.db, name);
  if (!coll) return {};
  const nIndexesWas = coll.indexes.length + 1;
  ctx.server.engine.dropCollection(ctx.db, name);
  return { nIndexesWas, ns: coll.ns };
}

function dbStats(ctx: CommandContext): Document {
  const colls = ctx.server.engine.collections(ctx.db);
  const objects = colls.reduce((n, c) => n + c.docs.size, 0);
  return { db: ctx.db, collections: colls.length, views: 0, objects, indexes: colls.reduce((n, c) => n + c.indexes.length + 1, 0) };
}

function collStats(ctx: CommandContext): Document {
  const name = collectionName(ctx, 'collStats');
  const coll = ctx.server.engine.collection(ctx.db, name);
  return { ns: `${ctx.db}.${name}`, count: coll?.docs.size ?? 0, size: 0, nindexes: coll ? coll.indexes.length + 1 : 0 };
}

export const adminCommands: CommandTable = {
  listCollections,
  listDatabases,
  create,
  drop,
  dropDatabase: (ctx) => {
    ctx.server.engine.dropDatabase(ctx.db);
    return { dropped: ctx.db };
  },
  dbStats,
  collStats,
  endSessions: (ctx) => {
    ctx.server.sessions.end((ctx.body.endSessions as Document[] | undefined) ?? []);
    return {};
  },
  killAllSessions: (ctx) => {
    ctx.server.sessions.end('all');
    return {};
  },
  killSessions: (ctx) => {
    ctx.server.sessions.end((ctx.body.killSessions as Document[] | undefined) ?? []);
    return {};
  },
  refreshSessions: () => ({}),
  startSession: () => ({}),
  listCommands: () => ({ commands: {} }),
};
