import type { BackgroundLogger } from '@icc/shared';
import type { SourceChange } from '../cdc/cdc.types.js';
import { factId, type StoredSalesEvent, type StoredStockEvent } from './fact-collections.js';
import { deriveSalesEvents } from './sales-events.js';
import { parseSource, SourceSalesOrderSchema, SourceStockMovementSchema, type SourceSalesOrder, type SourceStockMovement } from './source-documents.js';
import { deriveStockEvent } from './stock-events.js';

/**
 * The immutable raw events a batch implies (sales-order line events and
 * stock-ledger rows), each under its source identity, deduplicated by id (the
 * same order may change several times in one batch). recordFacts stores the
 * ones not stored yet. A source document of unexpected shape is skipped and
 * reported to `log`.
 */
export function deriveBatchEvents(
  changes: readonly SourceChange[],
  ingestedAt: Date,
  log?: BackgroundLogger,
): { sales: StoredSalesEvent[]; stock: StoredStockEvent[] } {
  const sales = new Map<string, StoredSalesEvent>();
  const stock = new Map<string, StoredStockEvent>();
  for (const change of changes) {
    // Deletions leave the raw events in place: they are history, not state.
    if (change.operationType === 'delete' || !change.fullDocument) continue;
    if (change.collection === 'salesOrders') {
      const order = parseSource<SourceSalesOrder>(SourceSalesOrderSchema, change.fullDocument);
      if (!order) {
        log?.warn({ collection: change.collection, id: String(change.documentKey._id) }, 'facts: skipped a sales order of unexpected shape');
        continue;
      }
      for (const event of deriveSalesEvents(order, ingestedAt)) if (!sales.has(event._id)) sales.set(event._id, { ...event, factKey: factId(event) });
    } else if (change.collection === 'stockMovements') {
      const movement = parseSource<SourceStockMovement>(SourceStockMovementSchema, change.fullDocument);
      if (!movement) {
        log?.warn({ collection: change.collection, id: String(change.documentKey._id) }, 'facts: skipped a ledger row of unexpected shape');
        continue;
      }
      const event = deriveStockEvent(movement, ingestedAt);
      stock.set(event._id, { ...event, factKey: factId(event) });
    }
  }
  return { sales: [...sales.values()], stock: [...stock.values()] };
}
