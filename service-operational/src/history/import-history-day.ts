import { AppError, type Principal } from '@icc/shared';
import { Types, type ClientSession, type Model } from 'mongoose';
import type { Models } from '../db/models.js';
import { documentSeries, documentSequence } from '../orders/document-number.js';
import {
  cancel,
  draftPurchaseOrder,
  placeOrder,
  receive,
  type PurchaseOrderDocument,
  type PurchaseOrderStep,
} from '../purchase-orders/purchase-order.lifecycle.js';
import { applyMovementsBatch } from '../stock/stock-ledger-batch.js';
import { runAsPrincipal } from '../tenancy/tenant-context.js';
import { closedSalesOrder, timed, type TimedMovement } from './history-documents.js';
import type { HistoryDay, HistoryDayResult } from './history.types.js';

/** Master data a day refers to, resolved before its transaction (it does not change during an import). */
async function resolveReferences(models: Models, day: HistoryDay) {
  const customerCodes = [...new Set(day.salesOrders.map((o) => o.customerCode))];
  const campaignNames = [...new Set(day.salesOrders.flatMap((o) => o.lines.map((l) => l.campaignName)).filter((n): n is string => n !== null))];
  const supplierCodes = [...new Set(day.purchaseOrders.map((p) => p.supplierCode))];
  const locationCodes = new Set([
    ...day.salesOrders.map((o) => o.locationCode),
    ...day.purchaseOrders.map((p) => p.locationCode),
    ...day.adjustments.map((a) => a.locationCode),
  ]);
  const customers = customerCodes.length ? await models.Customer.find({ code: { $in: customerCodes } }, { code: 1, segment: 1 }).lean() : [];
  const campaigns = campaignNames.length ? await models.Campaign.find({ name: { $in: campaignNames } }, { name: 1 }).lean() : [];
  const suppliers = supplierCodes.length ? await models.Supplier.find({ code: { $in: supplierCodes } }, { code: 1 }).lean() : [];
  const locations = locationCodes.size ? await models.Location.find({ code: { $in: [...locationCodes] } }, { code: 1 }).lean() : [];

  const segments = new Map(customers.map((c) => [c.code, c.segment]));
  const missingCustomer = customerCodes.find((code) => !segments.has(code));
  if (missingCustomer) throw new AppError('NOT_FOUND', `Customer ${missingCustomer} does not exist`);
  if (new Set(campaigns.map((c) => c.name)).size !== campaigns.length) throw new AppError('CONFLICT', 'Campaign names of the history are not unique');
  const missingLocation = [...locationCodes].find((code) => !locations.some((l) => l.code === code));
  if (missingLocation) throw new AppError('NOT_FOUND', `Location ${missingLocation} does not exist`);
  const supplierIds = new Map(suppliers.map((s) => [s.code, s._id]));
  const missingSupplier = supplierCodes.find((code) => !supplierIds.has(code));
  if (missingSupplier) throw new AppError('NOT_FOUND', `Supplier ${missingSupplier} does not exist`);
  // Unknown campaign names surface per line in closedSalesOrder, naming the order.
  return { segments, supplierIds, campaignIds: new Map(campaigns.map((c) => [c.name, String(c._id)])) };
}

/** Validate with the model's schema (casts, enums, required fields), then hand over plain objects. */
async function validated<T>(model: Model<T>, docs: object[]): Promise<object[]> {
  const out: object[] = [];
  for (const doc of docs) {
    const hydrated = new model(doc);
    await hydrated.validate();
    out.push(hydrated.toObject());
  }
  return out;
}

/** Keep the per-day document-number series ahead of what history used, so the live desk never reuses a number. */
function counterWrites(day: HistoryDay) {
  const highest = (numbers: string[]) => numbers.reduce((max, n) => Math.max(max, documentSequence(n)), 0);
  return [
    { name: documentSeries('SO', day.day), seq: highest(day.salesOrders.map((o) => o.orderNumber)) },
    { name: documentSeries('PO', day.day), seq: highest(day.purchaseOrders.map((p) => p.poNumber)) },
  ]
    .filter((c) => c.seq > 0)
    .map((c) => ({ updateOne: { filter: { name: c.name }, update: { $max: { seq: c.seq } }, upsert: true } }));
}

async function loadPurchaseOrders(models: Models, poNumbers: string[], session: ClientSession): Promise<Map<string, PurchaseOrderDocument>> {
  if (poNumbers.length === 0) return new Map();
  const found = await models.PurchaseOrder.find({ poNumber: { $in: poNumbers } })
    .session(session)
    .lean<PurchaseOrderDocument[]>();
  return new Map(found.map((po) => [po.poNumber, po]));
}

/**
 * Write one day of closed history in ONE transaction: its sales orders (final
 * state, with their status history), the purchase orders placed, receipts and
 * cancellations of purchase orders, and every stock movement those imply at
 * its real time, through the ledger's bulk path (`applyMovementsBatch`), so
 * positions equal the sum of the ledger afterwards and no bucket ever went
 * negative. Days must be imported in order: receipts refer to earlier days'
 * purchase orders, and stock sold must have arrived first.
 *
 * Movements apply in time order; at equal times adjustments, then purchase
 * orders, receipts and cancellations, then sales (so goods received at 08:00
 * can be sold at 08:00).
 *
 * @example
 *   await importHistoryDay(models, principal, {
 *     day: '2025-03-01', adjustments: [], purchaseOrders: [], receipts: [], purchaseCancels: [],
 *     salesOrders: [{ orderNumber: 'SO-20250301-0001', customerCode: 'C-0001', locationCode: 'ST-AMS',
 *       orderedAt: new Date('2025-03-01T10:15:00Z'), status: 'delivered', shippedAt: ..., deliveredAt: ...,
 *       lines: [{ sku: 'BEV-0001', quantity: 2, listPrice: 3.5, unitPrice: 3.5, discountPercent: 0, campaignName: null, outcome: 'served' }] }],
 *   });
 *   // { salesOrders: 1, salesLines: 1, purchaseOrders: 0, movements: 1 }
 */
export function importHistoryDay(models: Models, principal: Principal, day: HistoryDay): Promise<HistoryDayResult> {
  return runAsPrincipal(principal, async () => {
    const refs = await resolveReferences(models, day);
    const sales = day.salesOrders.map((order) => closedSalesOrder(order, refs.segments.get(order.customerCode)!, refs.campaignIds, new Types.ObjectId()));
    const poIds = day.purchaseOrders.map(() => new Types.ObjectId());
    const salesDocs = await validated(
      models.SalesOrder,
      sales.map((s) => s.doc),
    );

    return models.connection.transaction(async (session) => {
      // Purchase orders are built and changed in memory afresh on each attempt, then written once.
      const placed = day.purchaseOrders.map((po, i) => {
        const draft = draftPurchaseOrder({
          _id: poIds[i]!,
          poNumber: po.poNumber,
          supplierId: refs.supplierIds.get(po.supplierCode)!,
          supplierCode: po.supplierCode,
          locationCode: po.locationCode,
          lines: po.lines,
          expectedDate: po.expectedDate,
          source: po.source,
          at: po.orderedAt,
        });
        const step = placeOrder(draft, po.orderedAt);
        return { doc: step.order, movements: timed(step.movements, po.orderedAt) };
      });
      const newPos = new Map(placed.map(({ doc }) => [doc.poNumber, doc]));
      const earlier = [...day.receipts, ...day.purchaseCancels].map((e) => e.poNumber).filter((n) => !newPos.has(n));
      const existing = await loadPurchaseOrders(models, [...new Set(earlier)], session);
      const before = new Map([...existing].map(([n, po]) => [n, po.status]));
      /** Apply one step to the purchase order as it stands after the day's earlier steps. */
      const step = (poNumber: string, at: Date, change: (po: PurchaseOrderDocument) => PurchaseOrderStep): TimedMovement[] => {
        const held = newPos.has(poNumber) ? newPos : existing;
        const po = held.get(poNumber);
        if (!po) throw new AppError('NOT_FOUND', `Purchase order ${poNumber} does not exist`);
        const next = change(po);
        held.set(poNumber, next.order);
        return timed(next.movements, at);
      };

      const movements: TimedMovement[] = [
        ...day.adjustments.map((a): TimedMovement => ({
          sku: a.sku,
          locationCode: a.locationCode,
          type: 'adjustment',
          deltas: { onHand: a.quantity },
          reference: { type: 'adjustment', id: `history-${day.day}` },
          reason: a.reason,
          at: a.at,
        })),
        ...placed.flatMap((p) => p.movements),
        ...day.receipts.flatMap((r) => step(r.poNumber, r.at, (po) => receive(po, r.lines, r.at))),
        ...day.purchaseCancels.flatMap((c) => step(c.poNumber, c.at, (po) => cancel(po, c.at, c.reason))),
        ...sales.flatMap((s) => s.movements),
      ];
      // Stable sort: equal times keep the order above.
      movements.sort((a, b) => a.at.getTime() - b.at.getTime());

      if (salesDocs.length) await models.SalesOrder.insertMany(salesDocs, { session, lean: true });
      if (newPos.size) await models.PurchaseOrder.insertMany(await validated(models.PurchaseOrder, [...newPos.values()]), { session, lean: true });
      if (existing.size) {
        const updates = [...existing.values()].map((po) => ({
          updateOne: {
            // Guarded by the status read, like the receiving desk's own updates.
            filter: { _id: po._id, status: before.get(po.poNumber)! },
            update: {
              $set: {
                status: po.status,
                lines: po.lines,
                receipts: po.receipts,
                statusHistory: po.statusHistory,
                receivedAt: po.receivedAt,
                lastReceivedAt: po.lastReceivedAt,
                updatedAt: po.updatedAt,
              },
            },
          },
        }));
        const result = await models.PurchaseOrder.bulkWrite(updates, { session, timestamps: false });
        if (result.matchedCount !== updates.length) throw new AppError('CONFLICT', `Purchase orders changed during the import of ${day.day}; retry`);
      }
      const ledger = await applyMovementsBatch(models, principal, movements, session);
      const counters = counterWrites(day);
      if (counters.length) await models.Counter.bulkWrite(counters, { session });
      return {
        salesOrders: salesDocs.length,
        salesLines: day.salesOrders.reduce((n, o) => n + o.lines.length, 0),
        purchaseOrders: newPos.size,
        movements: ledger.rows,
      };
    });
  });
}
