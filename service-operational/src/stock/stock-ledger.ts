import {
  AppError,
  MONGO_ERROR_CODES,
  STOCK_BUCKETS,
  type StockBucket,
  type BucketDeltas,
  type MovementReference,
  type MovementType,
  type Principal,
  type StockMovement,
  type StockPosition,
  isDuplicateKeyError,
} from '@icc/shared';
import mongoose, { type ClientSession } from 'mongoose';
import type { Models } from '../db/models.js';
import { tenantCollection, type TenantWrite } from '../tenancy/tenant-collection.js';
import { requirePrincipal } from '../tenancy/tenant-context.js';
import { PositionLocks, positionLockKey } from './position-locks.js';
import { toStockMovement, type StockMovementRecord } from './stock-movement.model.js';
import { toStockPosition, type StockPositionRecord } from './stock-position.model.js';

/** One change to one position, with the reason it happened. */
export interface MovementInput {
  sku: string;
  locationCode: string;
  type: MovementType;
  deltas: BucketDeltas;
  reference: MovementReference;
  reason?: string | undefined;
  /** When it happened, if not now (history imports). */
  at?: Date | undefined;
}

export interface LedgerResult {
  movements: StockMovement[];
  positions: StockPosition[];
}

export interface LedgerOptions {
  /** The caller already checked that every SKU and location exists (e.g. an order's lines). */
  catalogChecked?: boolean;
  /** Positions the caller read earlier in this same transaction, to save reading them again. */
  positions?: readonly StockPositionRecord[];
}

type Balances = Record<StockBucket | 'available', number>;
const ZERO: Balances = { onHand: 0, reserved: 0, available: 0, onOrder: 0, inTransit: 0, damaged: 0 };
const positionKey = (sku: string, locationCode: string) => `${sku}\u0000${locationCode}`;

function nonZero(deltas: BucketDeltas): Partial<Record<StockBucket, number>> {
  const out: Partial<Record<StockBucket, number>> = {};
  for (const bucket of STOCK_BUCKETS) {
    const delta = deltas[bucket];
    if (delta) out[bucket] = delta;
  }
  return out;
}

function balancesOf(p: StockPositionRecord): Balances {
  return { onHand: p.onHand, reserved: p.reserved, available: p.available, onOrder: p.onOrder, inTransit: p.inTransit, damaged: p.damaged };
}

/** The positions the movements touch, as committed (or as this transaction sees them). */
async function currentPositions(
  models: Models,
  inputs: readonly MovementInput[],
  session: ClientSession,
  known: readonly StockPositionRecord[] = [],
): Promise<Map<string, StockPositionRecord>> {
  const positions = new Map(known.map((p) => [positionKey(p.sku, p.locationCode), p]));
  const missing = inputs.filter((i) => !positions.has(positionKey(i.sku, i.locationCode)));
  if (missing.length > 0) {
    const found = await tenantCollection<StockPositionRecord>(models.StockPosition).find(
      { sku: { $in: [...new Set(missing.map((i) => i.sku))] }, locationCode: { $in: [...new Set(missing.map((i) => i.locationCode))] } },
      { session },
    );
    for (const p of found) positions.set(positionKey(p.sku, p.locationCode), p);
  }
  return positions;
}

/**
 * Check every SKU and location exists in this tenant (unless the caller did),
 * and fetch the reorder point of each SKU that gets a new position.
 */
async function checkCatalog(
  models: Models,
  inputs: readonly MovementInput[],
  positions: ReadonlyMap<string, StockPositionRecord>,
  session: ClientSession,
  catalogChecked: boolean,
): Promise<Map<string, number>> {
  const unpositioned = inputs.filter((i) => !positions.has(positionKey(i.sku, i.locationCode)));
  const checking = catalogChecked ? unpositioned : inputs;
  if (checking.length === 0) return new Map();
  const skus = [...new Set(checking.map((i) => i.sku))];
  // Sequential on purpose: a transaction's operations must not run concurrently (mongod refuses it).
  const products = await models.Product.find({ sku: { $in: skus } }, { sku: 1, reorderPoint: 1 })
    .session(session)
    .lean();
  const missingSku = skus.find((sku) => !products.some((p) => p.sku === sku));
  if (missingSku) throw new AppError('NOT_FOUND', `Product ${missingSku} does not exist`);
  if (!catalogChecked) {
    const codes = [...new Set(checking.map((i) => i.locationCode))];
    const locations = await models.Location.find({ code: { $in: codes } }, { code: 1 })
      .session(session)
      .lean();
    const missingLocation = codes.find((code) => !locations.some((l) => l.code === code));
    if (missingLocation) throw new AppError('NOT_FOUND', `Location ${missingLocation} does not exist`);
  }
  return new Map(products.map((p) => [p.sku, p.reorderPoint]));
}

function insufficient(input: MovementInput, balances: Balances | undefined): AppError {
  const where = `${input.sku} at ${input.locationCode}`;
  const wanted = Object.entries(nonZero(input.deltas))
    .map(([bucket, delta]) => `${bucket} ${delta > 0 ? '+' : ''}${delta}`)
    .join(', ');
  if (!balances) return new AppError('INSUFFICIENT_STOCK', `${where} has no stock yet; cannot apply ${wanted}`);
  return new AppError(
    'INSUFFICIENT_STOCK',
    `${where} has on hand ${balances.onHand}, reserved ${balances.reserved}, available ${balances.available}, damaged ${balances.damaged}; applying ${wanted} would make a quantity negative`,
    { sku: input.sku, locationCode: input.locationCode, balances },
  );
}

/**
 * The only code that changes stock. Inside the caller's transaction:
 * 1. read the positions touched (once), apply the movements in memory, in
 *    order, and refuse any that would make a bucket (or available =
 *    onHand − reserved) negative — nothing has been written yet;
 * 2. append one ledger row per movement, carrying the balances after it;
 * 3. write every position in one bulk write, each update guarded so it only
 *    matches if no bucket goes negative.
 * Writing the positions last keeps the window in which this transaction holds
 * them short: concurrent writers to one position collide (write conflict, then
 * the driver retries with backoff) only during steps 3 and commit. Within a
 * transaction a position changed by someone else after we read it is a write
 * conflict, never a silent overwrite, so the in-memory balances are exact.
 * Position and ledger commit together or not at all: position = sum of ledger.
 */
export async function applyMovements(
  models: Models,
  principal: Principal,
  inputs: readonly MovementInput[],
  session: ClientSession,
  now = new Date(),
  options: LedgerOptions = {},
): Promise<LedgerResult> {
  if (inputs.length === 0) return { movements: [], positions: [] };
  const positions = await currentPositions(models, inputs, session, options.positions);
  const reorderPoints = await checkCatalog(models, inputs, positions, session, options.catalogChecked ?? false);

  const balances = new Map<string, Balances>();
  const rows = inputs.map((input) => {
    const key = positionKey(input.sku, input.locationCode);
    const before = balances.get(key) ?? (positions.has(key) ? balancesOf(positions.get(key)!) : undefined);
    const after = { ...(before ?? ZERO) };
    for (const bucket of STOCK_BUCKETS) after[bucket] += input.deltas[bucket] ?? 0;
    after.available = after.onHand - after.reserved;
    if (Object.values(after).some((v) => v < 0)) throw insufficient(input, before);
    balances.set(key, after);
    return {
      _id: new mongoose.Types.ObjectId(),
      tenantId: principal.tenantId,
      sku: input.sku,
      locationCode: input.locationCode,
      type: input.type,
      deltas: nonZero(input.deltas),
      balanceAfter: after,
      reference: input.reference,
      ...(input.reason ? { reason: input.reason } : {}),
      actor: { apiKeyId: principal.apiKeyId, keyName: principal.keyName },
      at: input.at ?? now,
    };
  });
  // Straight to the driver: rows are built here from checked input, so Mongoose would only add cost.
  await tenantCollection<StockMovementRecord>(models.StockMovement).insertMany(rows, { session });

  const updatedAt = rows.reduce((latest, row) => (row.at > latest ? row.at : latest), rows[0]!.at);
  const written = new Map<string, StockPositionRecord>();
  const writes = [...balances].map(([key, after]): TenantWrite<StockPositionRecord> => {
    const existing = positions.get(key);
    const [sku, locationCode] = key.split('\u0000') as [string, string];
    const reorderPoint = existing?.reorderPoint ?? reorderPoints.get(sku) ?? 0;
    const state = { ...after, reorderPoint, lowStock: after.available < reorderPoint, updatedAt };
    written.set(key, { ...(existing ?? { tenantId: principal.tenantId, sku, locationCode }), ...state });
    if (!existing) return { insertOne: { document: { sku, locationCode, ...state } } };
    const change = { ...after } as Record<string, number>;
    const guards: Record<string, unknown> = {};
    for (const field of Object.keys(change)) {
      change[field] = after[field as keyof Balances] - existing[field as keyof Balances];
      if (change[field] < 0) guards[field] = { $gte: -change[field] };
    }
    return {
      updateOne: {
        filter: { sku, locationCode, ...guards },
        update: { $inc: change, $set: { lowStock: state.lowStock, updatedAt } },
      },
    };
  });
  const result = await tenantCollection<StockPositionRecord>(models.StockPosition).bulkWrite(writes, { session, ordered: true });
  const updates = writes.filter((w) => 'updateOne' in w).length;
  if (result.matchedCount !== updates) {
    // A position changed between our read and this guarded write (another transaction
    // committed in between; an engine whose reads in a transaction are not one snapshot
    // lets this happen without a write conflict). Same remedy as a write conflict: the
    // driver retries the whole transaction, which re-reads the balances.
    const error = new mongoose.mongo.MongoServerError({
      message: 'Stock position changed during the transaction',
      code: MONGO_ERROR_CODES.WriteConflict,
      codeName: 'WriteConflict',
    });
    error.addErrorLabel('TransientTransactionError');
    throw error;
  }
  return {
    movements: rows.map((row) => toStockMovement(row as unknown as StockMovementRecord)),
    positions: [...written.values()].map(toStockPosition),
  };
}

/** Attempts of a stock transaction that lost the race to create a position. */
const CREATE_RACE_ATTEMPTS = 5;

/**
 * Run stock changes in one transaction (retried by the driver on transient
 * write conflicts, which is how concurrent writers to one position serialise).
 * Two transactions creating the same new position (upsert) race on its unique
 * index: the loser fails with a duplicate key, not a write conflict, so it is
 * retried here; on the retry the position exists and its guarded `$inc` applies.
 */
export async function inStockTransaction<T>(
  models: Models,
  work: (session: ClientSession) => Promise<T>,
  /** The positions the work will change: queued per position in this process (see PositionLocks). */
  touching: ReadonlyArray<{ sku: string; locationCode: string }> = [],
): Promise<T> {
  const { tenantId } = requirePrincipal();
  const keys = touching.map((p) => positionLockKey(tenantId, p.sku, p.locationCode));
  return locksFor(models).withLocks(keys, async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await runTransaction(models, work);
      } catch (error) {
        const duplicateKey = isDuplicateKeyError(error);
        if (!duplicateKey || attempt >= CREATE_RACE_ATTEMPTS) throw error;
      }
    }
  });
}

/**
 * The driver's `withTransaction` (commit/abort, TransientTransactionError and
 * UnknownTransactionCommitResult retries with back-off). Mongoose's
 * `connection.transaction()` adds bookkeeping to reset hydrated documents after
 * an abort; stock code works on lean documents only, so it would be pure cost.
 */
async function runTransaction<T>(models: Models, work: (session: ClientSession) => Promise<T>): Promise<T> {
  const session = await models.connection.startSession();
  try {
    let result: T | undefined;
    await session.withTransaction(async () => {
      result = await work(session);
    });
    return result as T;
  } finally {
    await session.endSession();
  }
}

const positionLocks = new WeakMap<Models, PositionLocks>();
function locksFor(models: Models): PositionLocks {
  let locks = positionLocks.get(models);
  if (!locks) positionLocks.set(models, (locks = new PositionLocks()));
  return locks;
}
