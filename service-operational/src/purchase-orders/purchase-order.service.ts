import {
  AppError,
  type CreatePurchaseOrder,
  type Page,
  type Principal,
  type PurchaseOrder,
  type ReceivePurchaseOrder,
  roundMoney,
} from '@icc/shared';
import type { ListPurchaseOrdersQuerySchema, PurchaseOrderTransitionSchema } from '@icc/shared';
import { Types, type ClientSession } from 'mongoose';
import type { z } from 'zod';
import type { Models } from '../db/models.js';
import { findPage } from '../db/pagination.js';
import type { LivePublisher } from '../live/live.types.js';
import { nextDocumentNumber } from '../orders/document-number.js';
import { applyMovements, inStockTransaction, type LedgerResult, type MovementInput } from '../stock/stock-ledger.js';
import { publishStockChange } from '../stock/stock.service.js';
import { toPurchaseOrder, type PurchaseOrderLineRecord, type PurchaseOrderRecord } from './purchase-order.model.js';


const lineReference = (po: PurchaseOrderRecord, line: PurchaseOrderLineRecord) => ({ type: 'purchaseOrder', id: String(po._id), line: line.line });

/** Purchasing: orders to suppliers and the receipts that bring stock in. */
export function createPurchaseOrderService(models: Models, live: LivePublisher, clock: () => Date = () => new Date()) {
  async function loadIn(id: string, session?: ClientSession): Promise<PurchaseOrderRecord> {
    const po = Types.ObjectId.isValid(id) ? await models.PurchaseOrder.findById(id).session(session ?? null).lean<PurchaseOrderRecord>() : null;
    if (!po) throw new AppError('NOT_FOUND', `Purchase order ${id} does not exist`);
    return po;
  }

  /** draft → ordered: the quantities become "on order" at the receiving location. */
  async function placeOrder(principal: Principal, po: PurchaseOrderRecord, at: Date, session: ClientSession) {
    const movements: MovementInput[] = po.lines.map((line) => ({
      sku: line.sku, locationCode: po.locationCode, type: 'order', deltas: { onOrder: line.quantity }, reference: lineReference(po, line),
    }));
    const ledger = await applyMovements(models, principal, movements, session, at);
    const order = await models.PurchaseOrder.findOneAndUpdate(
      { _id: po._id, status: 'draft' },
      { $set: { status: 'ordered', orderedAt: at }, $push: { statusHistory: { status: 'ordered', at } } },
      { returnDocument: 'after', session },
    ).lean<PurchaseOrderRecord>();
    if (!order) throw new AppError('CONFLICT', `Purchase order ${po.poNumber} changed while this request ran; reload and retry`);
    return { order, ledger };
  }

  function finish(principal: Principal, outcome: { order: PurchaseOrderRecord; ledger: LedgerResult }): PurchaseOrder {
    publishStockChange(live, principal, outcome.ledger);
    return toPurchaseOrder(outcome.order);
  }

  return {
    async create(principal: Principal, input: CreatePurchaseOrder): Promise<PurchaseOrder> {
      const now = clock();
      const supplier = Types.ObjectId.isValid(input.supplierId) ? await models.Supplier.findById(input.supplierId).lean() : null;
      if (!supplier) throw new AppError('NOT_FOUND', `Supplier ${input.supplierId} does not exist`);
      if (!(await models.Location.exists({ code: input.locationCode }))) throw new AppError('NOT_FOUND', `Location ${input.locationCode} does not exist`);
      const skus = [...new Set(input.lines.map((l) => l.sku))];
      const products = await models.Product.find({ sku: { $in: skus } }, { sku: 1, cost: 1 }).lean();
      const missing = skus.filter((sku) => !products.some((p) => p.sku === sku));
      if (missing.length) throw new AppError('NOT_FOUND', `Products do not exist: ${missing.join(', ')}`);
      // Cost: the line's, else what this supplier charges (the link), else the product's standard cost.
      const links = await models.ProductSupplier.find({ supplierId: supplier._id, sku: { $in: skus } }).lean();
      const lines = input.lines.map((line, index) => ({
        line: index,
        sku: line.sku,
        quantity: line.quantity,
        unitCost: line.unitCost ?? links.find((l) => l.sku === line.sku)?.unitCost ?? products.find((p) => p.sku === line.sku)!.cost,
        receivedQuantity: 0,
      }));
      const poNumber = await nextDocumentNumber(models, 'PO', now);
      const outcome = await inStockTransaction(models, async (session) => {
        const [doc] = await models.PurchaseOrder.create(
          [
            {
              poNumber,
              supplierId: supplier._id,
              supplierCode: supplier.code,
              locationCode: input.locationCode,
              status: 'draft',
              lines,
              totalCost: roundMoney(lines.reduce((n, l) => n + l.quantity * l.unitCost, 0)),
              expectedDate: new Date(input.expectedDate),
              source: input.source ?? { type: 'manual' },
              receipts: [],
              statusHistory: [{ status: 'draft', at: now }],
              ...(input.notes ? { notes: input.notes } : {}),
            },
          ],
          { session },
        );
        const po = doc!.toObject() as unknown as PurchaseOrderRecord;
        return input.order ? placeOrder(principal, po, now, session) : { order: po, ledger: { movements: [], positions: [] } };
      }, input.order ? lines.map((l) => ({ sku: l.sku, locationCode: input.locationCode })) : []);
      return finish(principal, outcome);
    },

    async get(id: string): Promise<PurchaseOrder> {
      return toPurchaseOrder(await loadIn(id));
    },

    list(query: z.infer<typeof ListPurchaseOrdersQuerySchema>): Promise<Page<PurchaseOrder>> {
      const filter: Record<string, unknown> = {};
      if (query.status) filter.status = query.status;
      if (query.supplierId) filter.supplierId = new Types.ObjectId(query.supplierId);
      if (query.locationCode) filter.locationCode = query.locationCode;
      if (query.sku) filter['lines.sku'] = query.sku;
      return findPage(models.PurchaseOrder, filter, query, (d) => toPurchaseOrder(d as PurchaseOrderRecord), { uniqueSort: query.sort === 'poNumber' });
    },

    /** Place (draft → ordered) or cancel; cancelling takes what is still outstanding off order. */
    async changeStatus(principal: Principal, id: string, request: z.infer<typeof PurchaseOrderTransitionSchema>): Promise<PurchaseOrder> {
      const now = clock();
      const known = await loadIn(id);
      const outcome = await inStockTransaction(models, async (session) => {
        const po = await loadIn(id, session);
        if (request.status === 'ordered') {
          if (po.status !== 'draft') throw new AppError('ILLEGAL_TRANSITION', `Purchase order ${po.poNumber} is ${po.status}; only a draft can be ordered`);
          return placeOrder(principal, po, now, session);
        }
        if (!['draft', 'ordered', 'partiallyReceived'].includes(po.status)) {
          throw new AppError('ILLEGAL_TRANSITION', `Purchase order ${po.poNumber} is ${po.status}; it can no longer be cancelled`);
        }
        const movements: MovementInput[] =
          po.status === 'draft'
            ? []
            : po.lines
                .filter((line) => line.quantity > line.receivedQuantity)
                .map((line) => ({
                  sku: line.sku, locationCode: po.locationCode, type: 'orderCancel', deltas: { onOrder: -(line.quantity - line.receivedQuantity) },
                  reference: lineReference(po, line), ...(request.reason ? { reason: request.reason } : {}),
                }));
        const ledger = await applyMovements(models, principal, movements, session, now);
        const order = await models.PurchaseOrder.findOneAndUpdate(
          { _id: po._id, status: po.status },
          { $set: { status: 'cancelled' }, $push: { statusHistory: { status: 'cancelled', at: now, ...(request.reason ? { reason: request.reason } : {}) } } },
          { returnDocument: 'after', session },
        ).lean<PurchaseOrderRecord>();
        if (!order) throw new AppError('CONFLICT', `Purchase order ${po.poNumber} changed while this request ran; reload and retry`);
        return { order, ledger };
      }, known.lines.map((l) => ({ sku: l.sku, locationCode: known.locationCode })));
      return finish(principal, outcome);
    },

    /** Goods in: on order → on hand, per line; more than was ordered is refused. */
    async receive(principal: Principal, id: string, request: ReceivePurchaseOrder): Promise<PurchaseOrder> {
      const at = request.receivedAt ? new Date(request.receivedAt) : clock();
      const known = await loadIn(id);
      const outcome = await inStockTransaction(models, async (session) => {
        const po = await loadIn(id, session);
        if (po.status !== 'ordered' && po.status !== 'partiallyReceived') {
          throw new AppError('ILLEGAL_TRANSITION', `Purchase order ${po.poNumber} is ${po.status}; only ordered purchase orders can be received`);
        }
        const receiving = new Map<number, number>();
        for (const item of request.lines) receiving.set(item.line, (receiving.get(item.line) ?? 0) + item.quantity);
        const lines = po.lines.map((line) => ({ ...line, receivedQuantity: line.receivedQuantity + (receiving.get(line.line) ?? 0) }));
        for (const [lineNo, quantity] of receiving) {
          const line = po.lines.find((l) => l.line === lineNo);
          if (!line) throw new AppError('INVALID_INPUT', `Purchase order ${po.poNumber} has no line ${lineNo}`, [{ path: 'lines', message: `no line ${lineNo}` }]);
          const outstanding = line.quantity - line.receivedQuantity;
          if (quantity > outstanding) {
            throw new AppError('CONFLICT', `Over-receipt refused: line ${lineNo} (${line.sku}) has ${outstanding} outstanding, ${quantity} received`, {
              line: lineNo, outstanding, received: quantity,
            });
          }
        }
        const movements: MovementInput[] = [...receiving].map(([lineNo, quantity]) => {
          const line = po.lines.find((l) => l.line === lineNo)!;
          return { sku: line.sku, locationCode: po.locationCode, type: 'receipt', deltas: { onHand: quantity, onOrder: -quantity }, reference: lineReference(po, line) };
        });
        const ledger = await applyMovements(models, principal, movements, session, at);
        const complete = lines.every((l) => l.receivedQuantity === l.quantity);
        const status = complete ? 'received' : 'partiallyReceived';
        const order = await models.PurchaseOrder.findOneAndUpdate(
          { _id: po._id, status: po.status },
          {
            $set: { lines, status, ...(complete ? { receivedAt: at } : {}) },
            // A receipt may be back-dated (receivedAt), so keep the newest, not the last recorded.
            $max: { lastReceivedAt: at },
            $push: { receipts: { at, lines: [...receiving].map(([line, quantity]) => ({ line, quantity })) }, statusHistory: { status, at } },
          },
          { returnDocument: 'after', session },
        ).lean<PurchaseOrderRecord>();
        if (!order) throw new AppError('CONFLICT', `Purchase order ${po.poNumber} changed while this request ran; reload and retry`);
        return { order, ledger, received: [...receiving].map(([lineNo, quantity]) => ({ sku: po.lines.find((l) => l.line === lineNo)!.sku, quantity })) };
      }, known.lines.map((l) => ({ sku: l.sku, locationCode: known.locationCode })));
      live.publish(
        principal.tenantId,
        'purchase-order:received',
        {
          receipt: {
            purchaseOrderId: String(outcome.order._id), poNumber: outcome.order.poNumber, supplierCode: outcome.order.supplierCode,
            locationCode: outcome.order.locationCode, status: outcome.order.status, lines: outcome.received, at: at.toISOString(),
          },
        },
        { skus: outcome.received.map((l) => l.sku), locationCodes: [outcome.order.locationCode] },
      );
      return finish(principal, outcome);
    },
  };
}

export type PurchaseOrderService = ReturnType<typeof createPurchaseOrderService>;
