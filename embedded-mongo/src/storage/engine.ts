import type { Document, Timestamp, UUID } from 'bson';
import type { LogicalClock } from '../clock.js';
import type { ChangeEntry } from '../changes/change-types.js';
import type { ChangeStreams } from '../changes/change-stream-types.js';
import { CommandError, ErrorCode } from '../errors.js';
import { Collection } from './collection.js';
import type { IndexSpec, IndexStore } from './index-store.js';
import { encodeKey } from './key-encoding.js';
import { createQueryMetrics } from './metrics.js';

/** A write to apply at commit: the new version of a document, or null to delete it. */
export interface PendingWrite {
  db: string;
  coll: string;
  id: string;
  doc: Document | null;
}

/**
 * Where a durable engine records schema changes. Document writes and drops
 * reach the journal as the change events of their commit.
 */
export interface SchemaJournal {
  collectionCreated(coll: Collection): void;
  indexesCreated(coll: Collection, specs: IndexSpec[]): void;
  indexesDropped(coll: Collection, names: string[]): void;
}

/**
 * All committed data of one server: databases → collections, a commit
 * sequence for per-document versions, and the change log every commit goes to.
 */
export class Engine {
  private readonly dbs = new Map<string, Map<string, Collection>>();
  private sequence = 0;
  /** Open transactions; while there are none, deleted ids need no tombstone. */
  private openTransactions = 0;
  changeStreams!: ChangeStreams;
  /** Keys and documents examined by queries, for `serverStatus`. */
  readonly metrics = createQueryMetrics();
  /** Set by a durable engine (`--dbpath`) once recovery is done. */
  journal: SchemaJournal | null = null;

  constructor(readonly clock: LogicalClock) {}

  /** Commit sequence of the last commit; a transaction remembers it at start. */
  get lastSequence(): number {
    return this.sequence;
  }

  collection(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  collections(db: string): Collection[] {
    return [...(this.dbs.get(db)?.values() ?? [])];
  }

  databaseNames(): string[] {
    return [...this.dbs.keys()].filter((db) => (this.dbs.get(db)?.size ?? 0) > 0);
  }

  /** Get or implicitly create a collection, as mongod does on first write. */
  ensureCollection(db: string, name: string, options: Document = {}): Collection {
    validateNamespace(db, name);
    let colls = this.dbs.get(db);
    if (!colls) this.dbs.set(db, (colls = new Map<string, Collection>()));
    let coll = colls.get(name);
    if (!coll) {
      colls.set(name, (coll = new Collection(db, name, options, this.metrics)));
      this.journal?.collectionCreated(coll);
    }
    return coll;
  }

  /** Every collection of every database. */
  allCollections(): Collection[] {
    return [...this.dbs.values()].flatMap((colls) => [...colls.values()]);
  }

  /** Add built indexes to a collection. */
  addIndexes(coll: Collection, built: IndexStore[]): void {
    if (built.length === 0) return;
    coll.indexes.push(...built);
    this.journal?.indexesCreated(
      coll,
      built.map((index) => index.spec),
    );
  }

  /** Drop secondary indexes by name. */
  dropIndexes(coll: Collection, names: string[]): void {
    if (names.length === 0) return;
    const dropped = new Set(names);
    coll.indexes.splice(0, coll.indexes.length, ...coll.indexes.filter((index) => !dropped.has(index.spec.name)));
    this.journal?.indexesDropped(coll, names);
  }

  /** Recovery: a collection as a checkpoint or the journal recorded it (no journal, no events). */
  restoreCollection(db: string, name: string, options: Document, uuid: UUID): Collection {
    let colls = this.dbs.get(db);
    if (!colls) this.dbs.set(db, (colls = new Map<string, Collection>()));
    const coll = new Collection(db, name, options, this.metrics, uuid);
    colls.set(name, coll);
    return coll;
  }

  /** Recovery: forget a collection (its drop event is restored separately). */
  removeCollection(db: string, name: string): void {
    this.dbs.get(db)?.delete(name);
  }

  /** Recovery: forget a database. */
  removeDatabase(db: string): void {
    this.dbs.delete(db);
  }

  dropCollection(db: string, name: string): boolean {
    const colls = this.dbs.get(db);
    if (!colls?.delete(name)) return false;
    this.changeStreams.append([{ db, coll: name, op: 'drop' }]);
    return true;
  }

  /** mongod emits a `drop` for each collection, then `dropDatabase`. */
  dropDatabase(db: string): void {
    const colls = this.dbs.get(db);
    if (!colls) return;
    this.dbs.delete(db);
    for (const name of colls.keys()) this.changeStreams.append([{ db, coll: name, op: 'drop' }]);
    this.changeStreams.append([{ db, op: 'dropDatabase' }]);
  }

  /** Read one committed document by `_id` value (the change-stream `updateLookup`). */
  findById(db: string, coll: string, id: unknown): Document | null {
    return this.collection(db, coll)?.docs.get(encodeKey(id))?.doc ?? null;
  }

  transactionOpened(): void {
    this.openTransactions++;
  }

  transactionClosed(): void {
    this.openTransactions--;
    if (this.openTransactions > 0) return;
    for (const colls of this.dbs.values()) for (const coll of colls.values()) coll.tombstones.clear();
  }

  /**
   * Apply a commit: every write becomes visible at once (synchronously, so no
   * reader sees half of it) and all its change entries go to the log in one
   * append, under one cluster time. Callers validate before calling.
   */
  commit(writes: PendingWrite[], entries: ChangeEntry[]): Timestamp {
    const version = ++this.sequence;
    for (const write of writes) {
      const coll = this.ensureCollection(write.db, write.coll);
      if (write.doc) coll.put(write.id, write.doc, version);
      else coll.remove(write.id, version, this.openTransactions > 0);
    }
    return entries.length > 0 ? this.changeStreams.append(entries) : this.clock.current();
  }
}

export function validateNamespace(db: string, name: string): void {
  if (!db || /[/\\. "$]/.test(db)) throw new CommandError(ErrorCode.InvalidNamespace, `Invalid database name: '${db}'`);
  if (!name || name.includes('$') || name.startsWith('.') || name.startsWith('system.')) {
    throw new CommandError(ErrorCode.InvalidNamespace, `Invalid collection name: ${name}`);
  }
}

/** Fail a write to a document whose current version is newer than `since`. */
export function assertNoConflict(coll: Collection | undefined, id: string, since: number): void {
  if (coll && coll.versionOf(id) > since) throw writeConflict();
}

export function writeConflict(): CommandError {
  return new CommandError(
    ErrorCode.WriteConflict,
    'Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction.',
    {},
    ['TransientTransactionError'],
  );
}
