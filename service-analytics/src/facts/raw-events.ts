import { createLogger } from '@icc/shared';
import type { Db } from 'mongodb';
import type { SourceChange } from '../cdc/cdc.types.js';
import { insertIgnoringDuplicates } from './bulk-writes.js';
import { campaignFactKeys } from './campaign-keys.js';
import { FACT_COLLECTIONS, factId, factKeyOf, type StoredSalesEvent, type StoredStockEvent } from './fact-collections.js';
import type { FactKey } from './facts.types.js';
import { deriveSalesEvents } from './sales-events.js';
import {
  parseSource,
  SourceSalesOrderSchema,
  SourceStockMovementSchema,
  type SourceSalesOrder,
  type SourceStockMovement,
} from './source-documents.js';
import { deriveStockEvent } from './stock-events.js';

const log = createLogger({ name: 'analytics-facts', level: process.env.LOG_LEVEL || 'info' });

/** The raw events a batch implies, deduplicated by id (the same order may change several times in one batch). */
export function deriveBatchEvents(changes: readonly SourceChange[], ingestedAt: Date): { sales: StoredSalesEvent[]; stock: StoredStockEvent[] } {
  const sales = new Map<string, StoredSalesEvent>();
  const stock = new Map<string, StoredStockEvent>();
  for (const change of changes) {
    // Deletions leave the raw events in place: they are history, not state.
    if (change.operationType === 'delete' || !change.fullDocument) continue;
    if (change.collection === 'salesOrders') {
      const order = parseSource<SourceSalesOrder>(SourceSalesOrderSchema, change.fullDocument);
      if (!order) {
        log.warn({ collection: change.collection, id: String(change.documentKey._id) }, 'facts: skipped a sales order of unexpected shape');
        continue;
      }
      for (const event of deriveSalesEvents(order, ingestedAt)) if (!sales.has(event._id)) sales.set(event._id, { ...event, factKey: factId(event) });
    } else if (change.collection === 'stockMovements') {
      const movement = parseSource<SourceStockMovement>(SourceStockMovementSchema, change.fullDocument);
      if (!movement) {
        log.warn({ collection: change.collection, id: String(change.documentKey._id) }, 'facts: skipped a ledger row of unexpected shape');
        continue;
      }
      const event = deriveStockEvent(movement, ingestedAt);
      stock.set(event._id, { ...event, factKey: factId(event) });
    }
  }
  return { sales: [...sales.values()], stock: [...stock.values()] };
}

/**
 * Record the immutable raw events of a batch (sales-order line events and
 * stock-ledger rows), each under its source identity: an event already stored
 * is left as it is, so re-delivery writes nothing new.
 *
 * Returns the fact keys of EVERY event the batch implies, not only the newly
 * inserted ones: after a crash between this step and the facts step, the
 * re-delivered batch inserts nothing but must still get its facts recomputed.
 * Campaign changes add the keys of the existing fact rows whose campaign flag
 * they may change (see campaignFactKeys).
 *
 * @example const keys = await recordRawEvents(analyticsDb, changes); await recomputeFacts(analyticsDb, keys);
 */
export async function recordRawEvents(db: Db, changes: readonly SourceChange[]): Promise<FactKey[]> {
  const { sales, stock } = deriveBatchEvents(changes, new Date());
  const [, , campaignKeys] = await Promise.all([
    insertIgnoringDuplicates(db.collection<StoredSalesEvent>(FACT_COLLECTIONS.rawSalesEvents), sales),
    insertIgnoringDuplicates(db.collection<StoredStockEvent>(FACT_COLLECTIONS.rawStockEvents), stock),
    campaignFactKeys(db, changes),
  ]);
  const keys = new Map<string, FactKey>();
  for (const event of [...sales, ...stock]) if (!keys.has(event.factKey)) keys.set(event.factKey, factKeyOf(event));
  for (const key of campaignKeys) keys.set(factId(key), key);
  return [...keys.values()];
}
