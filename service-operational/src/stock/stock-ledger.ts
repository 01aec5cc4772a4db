import {
  AppError,
  STOCK_BUCKETS,
  type BucketDeltas,
  type MovementReference,
  type MovementType,
  type Principal,
  type StockMovement,
  type StockPosition,
} from '@icc/shared';
import type { ClientSession } from 'mongoose';
import type { Models } from '../db/models.js';
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
}

export interface LedgerResult {
  movements: StockMovement[];
  positions: StockPosition[];
}

function nonZero(deltas: BucketDeltas): Partial<Record<(typeof STOCK_BUCKETS)[number], number>> {
  const out: Partial<Record<(typeof STOCK_BUCKETS)[number], number>> = {};
  for (const bucket of STOCK_BUCKETS) {
    const delta = deltas[bucket];
    if (delta) out[bucket] = delta;
  }
  return out;
}

/** Check every SKU and location the movements name exists in this tenant, once each. */
async function reorderPointsFor(models: Models, inputs: MovementInput[], session: ClientSession): Promise<Map<string, number>> {
  const skus = [...new Set(inputs.map((i) => i.sku))];
  const codes = [...new Set(inputs.map((i) => i.locationCode))];
  // Sequential on purpose: a transaction's operations must not run concurrently (mongod refuses it).
  const products = await models.Product.find({ sku: { $in: skus } }, { sku: 1, reorderPoint: 1 }).session(session).lean();
  const locations = await models.Location.find({ code: { $in: codes } }, { code: 1 }).session(session).lean();
  const missingSku = skus.find((sku) => !products.some((p) => p.sku === sku));
  if (missingSku) throw new AppError('NOT_FOUND', `Product ${missingSku} does not exist`);
  const missingLocation = codes.find((code) => !locations.some((l) => l.code === code));
  if (missingLocation) throw new AppError('NOT_FOUND', `Location ${missingLocation} does not exist`);
  return new Map(products.map((p) => [p.sku, p.reorderPoint]));
}

function insufficient(input: MovementInput, position: StockPositionRecord | null): AppError {
  const where = `${input.sku} at ${input.locationCode}`;
  const wanted = Object.entries(nonZero(input.deltas))
    .map(([bucket, delta]) => `${bucket} ${delta > 0 ? '+' : ''}${delta}`)
    .join(', ');
  if (!position) return new AppError('INSUFFICIENT_STOCK', `${where} has no stock yet; cannot apply ${wanted}`);
  return new AppError(
    'INSUFFICIENT_STOCK',
    `${where} has on hand ${position.onHand}, reserved ${position.reserved}, available ${position.available}, damaged ${position.damaged}; applying ${wanted} would make a quantity negative`,
    { sku: input.sku, locationCode: input.locationCode, balances: toStockPosition(position) },
  );
}

/**
 * The only code that changes stock. Inside the caller's transaction, for each
 * movement: one guarded `$inc` on the position — the filter only matches if no
 * bucket (nor available = onHand − reserved) would go negative, so concurrent
 * writers can never oversell — then one appended ledger row carrying the
 * balances after. Position and ledger commit together or not at all, which is
 * what keeps "position = sum of ledger" true.
 */
export async function applyMovements(
  models: Models,
  principal: Principal,
  inputs: MovementInput[],
  session: ClientSession,
  now = new Date(),
): Promise<LedgerResult> {
  const reorderPoints = await reorderPointsFor(models, inputs, session);
  const movements: StockMovement[] = [];
  const positions = new Map<string, StockPosition>();

  for (const input of inputs) {
    const deltas = nonZero(input.deltas);
    const availableDelta = (deltas.onHand ?? 0) - (deltas.reserved ?? 0);
    const guards: Record<string, unknown> = {};
    for (const [bucket, delta] of Object.entries(deltas)) if (delta < 0) guards[bucket] = { $gte: -delta };
    if (availableDelta < 0) guards.available = { $gte: -availableDelta };
    const mayCreate = Object.keys(guards).length === 0;
    const key = { sku: input.sku, locationCode: input.locationCode };
    const increments: Record<string, number> = { ...deltas, ...(availableDelta ? { available: availableDelta } : {}) };
    // A new position starts at zero in every bucket this movement does not touch.
    const onInsert: Record<string, unknown> = { reorderPoint: reorderPoints.get(input.sku) ?? 0, lowStock: false };
    for (const bucket of [...STOCK_BUCKETS, 'available']) if (!(bucket in increments)) onInsert[bucket] = 0;

    let position = (await models.StockPosition.findOneAndUpdate(
      { ...key, ...guards },
      {
        $inc: increments,
        $set: { updatedAt: now },
        ...(mayCreate ? { $setOnInsert: onInsert } : {}),
      },
      { returnDocument: 'after', upsert: mayCreate, session, lean: true },
    )) as StockPositionRecord | null;
    if (!position) {
      throw insufficient(input, (await models.StockPosition.findOne(key).session(session).lean()) as StockPositionRecord | null);
    }

    const lowStock = position.available < position.reorderPoint;
    if (lowStock !== position.lowStock) {
      await models.StockPosition.updateOne(key, { $set: { lowStock } }, { session });
      position = { ...position, lowStock };
    }

    const [row] = await models.StockMovement.create(
      [
        {
          ...key,
          type: input.type,
          deltas,
          balanceAfter: {
            onHand: position.onHand,
            reserved: position.reserved,
            available: position.available,
            onOrder: position.onOrder,
            inTransit: position.inTransit,
            damaged: position.damaged,
          },
          reference: input.reference,
          ...(input.reason ? { reason: input.reason } : {}),
          actor: { apiKeyId: principal.apiKeyId, keyName: principal.keyName },
          at: now,
        },
      ],
      { session },
    );
    movements.push(toStockMovement(row!.toObject() as unknown as StockMovementRecord));
    positions.set(`${input.sku}\u0000${input.locationCode}`, toStockPosition(position));
  }
  return { movements, positions: [...positions.values()] };
}

/**
 * Run stock changes in one transaction (retried by the driver on transient
 * write conflicts, which is how concurrent writers to one position serialise).
 */
export function inStockTransaction<T>(models: Models, work: (session: ClientSession) => Promise<T>): Promise<T> {
  return models.connection.transaction(work);
}
