import type { Db } from 'mongodb';
import type { SourceChange } from '../cdc/cdc.types.js';
import { FACT_COLLECTIONS } from './fact-collections.js';
import { mirror, ofCollection, rowOf } from './mirror-writes.js';
import { SourceTransferExecutionSchema } from './source-documents.js';

/**
 * What became of each transfer request the operational service executed
 * (`transferExecutions`: `done`, stock moved; `failed`, nothing moved, with
 * the reason), keyed `${tenantId}:${requestId}`, mirrored like every other
 * operational collection (newest `updatedAt` wins, deletes remove the row).
 * Planning's completion reads it (planning/transfer-requests.ts).
 */
export interface TransferExecutionMirrorDoc {
  _id: string;
  sourceId: string;
  tenantId: string;
  requestId: string;
  outcome: string;
  sku: string;
  fromLocationCode: string;
  toLocationCode: string;
  quantity: number;
  reason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const executionRow = rowOf(SourceTransferExecutionSchema, (e, sourceId): TransferExecutionMirrorDoc => ({
  _id: `${e.tenantId}:${e.requestId}`,
  sourceId,
  ...e,
}));

/**
 * Keep the transfer-outcome mirror in step with a batch of source changes.
 *
 * @example await mirrorTransferExecutions(analyticsDb, changes)
 */
export async function mirrorTransferExecutions(db: Db, changes: readonly SourceChange[]): Promise<void> {
  await mirror(db, FACT_COLLECTIONS.transferExecutionsMirror, ofCollection(changes, 'transferExecutions'), executionRow);
}
