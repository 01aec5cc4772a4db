import { AppError, type CreatePurchaseOrder, type Page, type Principal, type PurchaseOrder, type ReceivePurchaseOrder } from '@icc/shared';
import type { ListPurchaseOrdersQuerySchema, PurchaseOrderTransitionSchema } from '@icc/shared';
import { Types, type ClientSession } from 'mongoose';
import type { z } from 'zod';
import type { Models } from '../db/models.js';
import { findPage } from '../db/pagination.js';
import type { LivePublisher } from '../live/live.types.js';
import { nextDocumentNumber } from '../orders/document-number.js';
import { applyMovements, inStockTransaction, type LedgerResult } from '../stock/stock-ledger.js';
import { publishStockChange } from '../stock/stock.service.js';
import { cancel, draftPurchaseOrder, placeOrder, receive, type PurchaseOrderStep } from './purchase-order.lifecycle.js';
import { RECOMMENDATION_SOURCE, toPurchaseOrder, type PurchaseOrderRecord } from './purchase-order.model.js';

/** Purchasing: orders to suppliers and the receipts that bring stock in. */
export function createPurchaseOrderService(models: Models, live: LivePublisher, clock: () => Date = () => new Date()) {
  async function loadIn(id: string, session?: ClientSession): Promise<PurchaseOrderRecord> {
    const po = Types.ObjectId.isValid(id)
      ? await models.PurchaseOrder.findById(id)
          .session(session ?? null)
          .lean<PurchaseOrderRecord>()
      : null;
    if (!po) throw new AppError('NOT_FOUND', `Purchase order ${id} does not exist`);
    return po;
  }

  /**
   * Write a step the lifecycle worked out: its movements through the ledger,
   * then the fields it changed, guarded by the status it started from so a
   * concurrent change of the same order loses cleanly. `updatedAt` stays the
   * timestamps' (the write time), even for a back-dated receipt.
   */
  async function write(principal: Principal, before: PurchaseOrderRecord, step: PurchaseOrderStep, at: Date, session: ClientSession) {
    const ledger = await applyMovements(models, principal, step.movements, session, at);
    const { status, lines, orderedAt, receivedAt, lastReceivedAt, receipts, statusHistory } = step.order;
    const changes = Object.fromEntries(
      Object.entries({ status, lines, orderedAt, receivedAt, lastReceivedAt, receipts, statusHistory }).filter(([, v]) => v !== undefined),
    );
    const order = await models.PurchaseOrder.findOneAndUpdate(
      { _id: before._id, status: before.status },
      { $set: changes },
      { returnDocument: 'after', session },
    ).lean<PurchaseOrderRecord>();
    if (!order) throw new AppError('CONFLICT', `Purchase order ${before.poNumber} changed while this request ran; reload and retry`);
    return { order, ledger };
  }

  /**
   * The order already made for a recommendation request, if any. Read before
   * taking a number (a repeat costs no gap in the series) and again inside the
   * transaction: when two creators race, the loser's insert fails on the unique
   * index, its retry finds the winner's order here and ends as a conflict.
   */
  async function refuseSecondOrder(source: CreatePurchaseOrder['source'], session?: ClientSession): Promise<void> {
    if (source?.type !== RECOMMENDATION_SOURCE || !source.id) return;
    const existing = await models.PurchaseOrder.findOne({ 'source.type': RECOMMENDATION_SOURCE, 'source.id': source.id }, { poNumber: 1 })
      .session(session ?? null)
      .lean();
    if (existing) {
      throw new AppError('CONFLICT', `Purchase order ${existing.poNumber} already exists for recommendation request ${source.id}`, {
        purchaseOrderId: String(existing._id),
        poNumber: existing.poNumber,
      });
    }
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
      await refuseSecondOrder(input.source);
      // Cost: the line's, else what this supplier charges (the link), else the product's standard cost.
      const links = await models.ProductSupplier.find({ supplierId: supplier._id, sku: { $in: skus } }).lean();
      const lines = input.lines.map((line) => ({
        sku: line.sku,
        quantity: line.quantity,
        unitCost: line.unitCost ?? links.find((l) => l.sku === line.sku)?.unitCost ?? products.find((p) => p.sku === line.sku)!.cost,
      }));
      const poNumber = await nextDocumentNumber(models, 'PO', now);
      const draft = draftPurchaseOrder({
        _id: new Types.ObjectId(),
        poNumber,
        supplierId: supplier._id,
        supplierCode: supplier.code,
        locationCode: input.locationCode,
        lines,
        expectedDate: new Date(input.expectedDate),
        source: input.source,
        notes: input.notes,
        at: now,
      });
      // Placed at once: the order is written once, already ordered, with its movements.
      const step = input.order ? placeOrder(draft, now) : { order: draft, movements: [] };
      const outcome = await inStockTransaction(
        models,
        async (session) => {
          await refuseSecondOrder(input.source, session);
          const ledger = await applyMovements(models, principal, step.movements, session, now);
          // createdAt/updatedAt are left to the model's timestamps, as for every other write.
          const { createdAt: _createdAt, updatedAt: _updatedAt, ...fields } = step.order;
          const [doc] = await models.PurchaseOrder.create([fields], { session });
          return { order: doc!.toObject() as unknown as PurchaseOrderRecord, ledger };
        },
        step.movements.map((m) => ({ sku: m.sku, locationCode: m.locationCode })),
      );
      return finish(principal, outcome);
    },

    async get(id: string): Promise<PurchaseOrder> {
      return toPurchaseOrder(await loadIn(id));
    },

    /** The tenant's order with this number (already upper-cased by the schema); NOT_FOUND names the number. */
    async getByNumber(poNumber: string): Promise<PurchaseOrder> {
      const po = await models.PurchaseOrder.findOne({ poNumber }).lean<PurchaseOrderRecord>();
      if (!po) throw new AppError('NOT_FOUND', `No purchase order ${poNumber}: check the number on the delivery note (PO-YYYYMMDD-NNNN)`);
      return toPurchaseOrder(po);
    },

    list(query: z.infer<typeof ListPurchaseOrdersQuerySchema>): Promise<Page<PurchaseOrder>> {
      const filter: Record<string, unknown> = {};
      if (query.poNumber) filter.poNumber = query.poNumber;
      if (query.status) filter.status = query.status;
      if (query.supplierId) filter.supplierId = new Types.ObjectId(query.supplierId);
      if (query.locationCode) filter.locationCode = query.locationCode;
      if (query.sku) filter['lines.sku'] = query.sku;
      if (query.sourceType) filter['source.type'] = query.sourceType;
      if (query.sourceId) filter['source.id'] = query.sourceId;
      return findPage(models.PurchaseOrder, filter, query, (d) => toPurchaseOrder(d as PurchaseOrderRecord), { uniqueSort: query.sort === 'poNumber' });
    },

    /** Place (draft → ordered) or cancel; cancelling takes what is still outstanding off order. */
    async changeStatus(principal: Principal, id: string, request: z.infer<typeof PurchaseOrderTransitionSchema>): Promise<PurchaseOrder> {
      const now = clock();
      const known = await loadIn(id);
      const outcome = await inStockTransaction(
        models,
        async (session) => {
          const po = await loadIn(id, session);
          const step = request.status === 'ordered' ? placeOrder(po, now) : cancel(po, now, request.reason);
          return write(principal, po, step, now, session);
        },
        known.lines.map((l) => ({ sku: l.sku, locationCode: known.locationCode })),
      );
      return finish(principal, outcome);
    },

    /** Goods in: on order → on hand, per line; more than was ordered is refused. */
    async receive(principal: Principal, id: string, request: ReceivePurchaseOrder): Promise<PurchaseOrder> {
      const at = request.receivedAt ? new Date(request.receivedAt) : clock();
      const known = await loadIn(id);
      const outcome = await inStockTransaction(
        models,
        async (session) => {
          const po = await loadIn(id, session);
          const step = receive(po, request.lines, at);
          return { ...(await write(principal, po, step, at, session)), received: step.received };
        },
        known.lines.map((l) => ({ sku: l.sku, locationCode: known.locationCode })),
      );
      live.publish(
        principal.tenantId,
        'purchase-order:received',
        {
          receipt: {
            purchaseOrderId: String(outcome.order._id),
            poNumber: outcome.order.poNumber,
            supplierCode: outcome.order.supplierCode,
            locationCode: outcome.order.locationCode,
            status: outcome.order.status,
            lines: outcome.received,
            at: at.toISOString(),
          },
        },
        { skus: outcome.received.map((l) => l.sku), locationCodes: [outcome.order.locationCode] },
      );
      return finish(principal, outcome);
    },
  };
}

export type PurchaseOrderService = ReturnType<typeof createPurchaseOrderService>;
