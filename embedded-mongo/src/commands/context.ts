import type { Document, ObjectId } from 'bson';
import { CommandError, ErrorCode } from '../errors.js';
import type { LogicalClock } from '../clock.js';
import type { ChangeStreams } from '../changes/change-stream-types.js';
import type { CursorRegistry } from '../cursors/cursor-registry.js';
import type { DurableStore } from '../durability/durable-store.js';
import { validateNamespace, type Engine } from '../storage/engine.js';
import type { StoreView } from '../storage/view.js';
import type { Sessions } from '../txn/sessions.js';

/** Everything one server instance shares across connections. */
export interface ServerState {
  readonly engine: Engine;
  readonly clock: LogicalClock;
  readonly changeStreams: ChangeStreams;
  readonly cursors: CursorRegistry;
  readonly sessions: Sessions;
  /** The journal and checkpoints of an engine started with `dbpath`; null in memory. */
  readonly durable: DurableStore | null;
  readonly replSetName: string;
  /** `host:port` as clients reach it; `hello` reports it as the only member. */
  hostPort: string;
  readonly electionId: ObjectId;
  readonly startedAt: Date;
  connections: number;
  readonly log: (line: string) => void;
}

export interface CommandContext {
  readonly server: ServerState;
  /** `$db` of the command. */
  readonly db: string;
  readonly body: Document;
  /** Where reads and writes go: committed state or this session's transaction. */
  readonly view: StoreView;
  readonly connectionId: number;
}

/** Returns the reply fields; `ok: 1`, `$clusterTime` and `operationTime` are added by the dispatcher. */
export type CommandHandler = (ctx: CommandContext) => Document | Promise<Document>;

export type CommandTable = Record<string, CommandHandler>;

/** The collection name a command targets (`{ find: 'users' }` → 'users'). */
export function collectionName(ctx: CommandContext, command: string): string {
  const value: unknown = ctx.body[command];
  if (typeof value !== 'string' || value.length === 0) {
    throw new CommandError(ErrorCode.BadValue, `collection name has invalid type ${typeof value}`);
  }
  validateNamespace(ctx.db, value);
  return value;
}

/** Optional non-negative integer option (batchSize, limit, skip...). */
export function intOption(body: Document, name: string): number | undefined {
  const value: unknown = body[name];
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new CommandError(ErrorCode.BadValue, `Field '${name}' should be a number`);
  return Math.trunc(n);
}

/** Fields every command may carry that are not command options. */
const GENERIC_FIELDS = new Set([
  '$db',
  'lsid',
  'txnNumber',
  'autocommit',
  'startTransaction',
  '$clusterTime',
  '$readPreference',
  'readConcern',
  'writeConcern',
  'maxTimeMS',
  'comment',
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
]);

/** The options of a command: its body without the command name and generic fields. */
export function commandOptions(body: Document, command: string): Document {
  const out: Document = {};
  for (const [key, value] of Object.entries<unknown>(body)) if (key !== command && !GENERIC_FIELDS.has(key)) out[key] = value;
  return out;
}
