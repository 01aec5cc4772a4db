import type { Principal } from '@icc/shared';
import type { ClientSession } from 'mongoose';
import type { Models } from '../db/models.js';
import { applyMovements, type MovementInput } from './stock-ledger.js';

/**
 * The ledger for loading history (demo data, imports): the same code and rules
 * as every other stock change, with each movement's own past timestamp. One
 * call applies a whole day (or more) in a few round trips.
 */
export async function applyMovementsBatch(
  models: Models,
  principal: Principal,
  movements: ReadonlyArray<MovementInput & { at: Date }>,
  session: ClientSession,
): Promise<{ rows: number; positions: number }> {
  const result = await applyMovements(models, principal, movements, session);
  return { rows: result.movements.length, positions: result.positions.length };
}
