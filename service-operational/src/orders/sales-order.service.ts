import {
  AppError,
  type CreateSalesOrder,
  type ListSalesOrdersQuery,
  type Page,
  type Principal,
  type SalesOrder,
  type SalesOrderTransition,
  type SalesReturn,
} from '@icc/shared';
import { Types } from 'mongoose';
import type { Models } from '../db/models.js';
import { findPage } from '../db/pagination.js';
import type { LivePublisher } from '../live/live.types.js';
import { applyMovements, inStockTransaction, type LedgerResult, type MovementInput } from '../stock/stock-ledger.js';
import { publishStockChange } from '../stock/stock.service.js';
import { tenantCollection } from '../tenancy/tenant-collection.js';
import { orderIntake, type Intake } from './order-intake.js';
import { priceLine } from './order-pricing.js';
import { planTransition, transition } from './sales-order.lifecycle.js';
import { openLine, salesOrderDocument } from './sales-order.builder.js';
import { toOrderSummary, toSalesOrder, type SalesOrderLineRecord, type SalesOrderRecord } from './sales-order.model.js';

/** The order desk: sales orders from creation to delivery and returns. */
export function createSalesOrderService(models: Models, live: LivePublisher, clock: () => Date = () => new Date()) {
  const readIntake = orderIntake(models);
  // Taking an order is the busiest request: its insert goes straight to the driver (see tenantCollection).
  const salesOrders = tenantCollection<SalesOrderRecord>(models.SalesOrder);

  async function load(id: string): Promise<SalesOrderRecord> {
    const order = Types.ObjectId.isValid(id) ? await models.SalesOrder.findById(id).lean<SalesOrderRecord>() : null;
    if (!order) throw new AppError('NOT_FOUND', `Sales order ${id} does not exist`);
    return order;
  }

  function priceLines(input: CreateSalesOrder, { products, campaigns }: Intake): SalesOrderLineRecord[] {
    const missing = [...new Set(input.lines.map((l) => l.sku))].filter((sku) => !products.some((p) => p.sku === sku));
    if (missing.length) throw new AppError('NOT_FOUND', `Products do not exist: ${missing.join(', ')}`);
    const unsellable = products.filter((p) => p.status !== 'active').map((p) => `${p.sku} (${p.status})`);
    if (unsellable.length) throw new AppError('CONFLICT', `Products are not for sale: ${unsellable.join(', ')}`);
    const listPrices = new Map(products.map((p) => [p.sku, p.price]));
    return input.lines.map((line, index) => {
      const price = priceLine({ ...line, listPrice: listPrices.get(line.sku)! }, campaigns);
      if ('kind' in price) {
        throw new AppError('CONFLICT', `Campaign ${price.campaignId} is not running or does not cover ${line.sku} (line ${index})`);
      }
      return openLine(index, { sku: line.sku, quantity: line.quantity, ...price });
    });
  }

  function announce(principal: Principal, before: SalesOrderRecord | null, after: SalesOrderRecord, ledger: LedgerResult, at: Date): void {
    if (!before) live.publish(principal.tenantId, 'order:created', { order: toOrderSummary(after) }, { locationCodes: [after.locationCode] });
    if (before?.status !== after.status && (before || after.status !== 'pending')) {
      live.publish(
        principal.tenantId,
        'order:status',
        { orderId: String(after._id), orderNumber: after.orderNumber, from: before?.status ?? 'pending', to: after.status, at: at.toISOString() },
        { locationCodes: [after.locationCode] },
      );
    }
    publishStockChange(live, principal, ledger);
  }

  return {
    /**
     * Take an order. With `confirm: true` it is created and reserved in one
     * transaction, so a refused confirmation (policy "fail") creates nothing.
     */
    async create(principal: Principal, input: CreateSalesOrder): Promise<SalesOrder> {
      const now = clock();
      const skus = input.lines.map((l) => l.sku);
      const intake = await readIntake(principal, { customerCode: input.customerCode, locationCode: input.locationCode, skus, at: now });
      const lines = priceLines(input, intake);
      const { customer, locationExists, orderNumber } = intake;
      if (!customer) throw new AppError('NOT_FOUND', `Customer ${input.customerCode} does not exist`);
      if (!locationExists) throw new AppError('NOT_FOUND', `Location ${input.locationCode} does not exist`);
      const { created, confirmed } = await inStockTransaction(
        models,
        async (session) => {
          const header = {
            _id: new Types.ObjectId(),
            orderNumber,
            customer,
            locationCode: input.locationCode,
            onShortage: input.onShortage,
            notes: input.notes,
          };
          const pending: SalesOrderRecord = { tenantId: principal.tenantId, ...salesOrderDocument(header, lines, [{ status: 'pending', at: now }]) };
          // Confirming at once: work out the confirmed state first and write the order once.
          const plan = input.confirm ? await planTransition(models, principal, pending, 'confirmed', undefined, session) : null;
          const ledger = plan
            ? await applyMovements(models, principal, plan.movements, session, now, {
                catalogChecked: true,
                ...(plan.positions ? { positions: plan.positions } : {}),
              })
            : null;
          const record: SalesOrderRecord = plan
            ? {
                tenantId: principal.tenantId,
                ...salesOrderDocument(header, plan.lines, [
                  { status: 'pending', at: now },
                  { status: plan.status, at: now },
                ]),
              }
            : pending;
          await salesOrders.insertOne(record, { session });
          return { created: record, confirmed: ledger ? { order: record, ledger } : null };
        },
        input.confirm ? lines.map((l) => ({ sku: l.sku, locationCode: input.locationCode })) : [],
      );
      const final = confirmed?.order ?? created;
      announce(principal, null, final, confirmed?.ledger ?? { movements: [], positions: [] }, now);
      return toSalesOrder(final);
    },

    async get(id: string): Promise<SalesOrder> {
      return toSalesOrder(await load(id));
    },

    list(query: ListSalesOrdersQuery): Promise<Page<SalesOrder>> {
      const filter: Record<string, unknown> = {};
      if (query.status) filter.status = query.status;
      if (query.customerCode) filter.customerCode = query.customerCode;
      if (query.locationCode) filter.locationCode = query.locationCode;
      if (query.sku) filter['lines.sku'] = query.sku;
      if (query.from || query.to) {
        filter.orderedAt = { ...(query.from ? { $gte: new Date(query.from) } : {}), ...(query.to ? { $lt: new Date(query.to) } : {}) };
      }
      return findPage(models.SalesOrder, filter, query, (d) => toSalesOrder(d as SalesOrderRecord), { uniqueSort: query.sort === 'orderNumber' });
    },

    async changeStatus(principal: Principal, id: string, request: SalesOrderTransition): Promise<SalesOrder> {
      const now = clock();
      const before = await load(id);
      const outcome = await inStockTransaction(
        models,
        async (session) => {
          // Re-read inside the transaction: the status we act on is the committed one.
          const current = await models.SalesOrder.findById(before._id).session(session).lean<SalesOrderRecord>();
          return transition(models, principal, current!, request.status, { onShortage: request.onShortage, reason: request.reason, at: now }, session);
        },
        before.lines.map((l) => ({ sku: l.sku, locationCode: before.locationCode })),
      );
      announce(principal, before, outcome.order, outcome.ledger, now);
      return toSalesOrder(outcome.order);
    },

    /** Goods coming back from a shipped order: to sellable stock, or straight to damaged. */
    async recordReturn(principal: Principal, id: string, request: SalesReturn): Promise<SalesOrder> {
      const now = clock();
      const known = await load(id);
      const outcome = await inStockTransaction(
        models,
        async (session) => {
          const order = Types.ObjectId.isValid(id) ? await models.SalesOrder.findById(id).session(session).lean<SalesOrderRecord>() : null;
          if (!order) throw new AppError('NOT_FOUND', `Sales order ${id} does not exist`);
          if (order.status !== 'shipped' && order.status !== 'delivered') {
            throw new AppError('ILLEGAL_TRANSITION', `Order ${order.orderNumber} is ${order.status}; only shipped or delivered orders take returns`);
          }
          const returning = new Map<number, number>();
          for (const item of request.lines) returning.set(item.line, (returning.get(item.line) ?? 0) + item.quantity);
          for (const [lineNo, quantity] of returning) {
            const line = order.lines.find((l) => l.line === lineNo);
            if (!line)
              throw new AppError('INVALID_INPUT', `Order ${order.orderNumber} has no line ${lineNo}`, [{ path: 'lines', message: `no line ${lineNo}` }]);
            const returnable = line.shippedQuantity - line.returnedQuantity;
            if (quantity > returnable) {
              throw new AppError('CONFLICT', `Line ${lineNo} (${line.sku}): ${quantity} returned but only ${returnable} shipped and not yet returned`);
            }
          }
          const movements: MovementInput[] = request.lines.map((item) => ({
            sku: order.lines.find((l) => l.line === item.line)!.sku,
            locationCode: order.locationCode,
            type: 'return',
            deltas: item.to === 'damaged' ? { damaged: item.quantity } : { onHand: item.quantity },
            reference: { type: 'salesOrder', id: String(order._id), line: item.line },
            reason: request.reason,
          }));
          const ledger = await applyMovements(models, principal, movements, session, now);
          const lines = order.lines.map((l) => ({ ...l, returnedQuantity: l.returnedQuantity + (returning.get(l.line) ?? 0) }));
          const updated = await models.SalesOrder.findOneAndUpdate(
            { _id: order._id },
            { $set: { lines }, $push: { returns: { at: now, reason: request.reason, lines: request.lines } } },
            { returnDocument: 'after', session },
          ).lean<SalesOrderRecord>();
          return { order: updated!, ledger };
        },
        known.lines.map((l) => ({ sku: l.sku, locationCode: known.locationCode })),
      );
      publishStockChange(live, principal, outcome.ledger);
      return toSalesOrder(outcome.order);
    },
  };
}

export type SalesOrderService = ReturnType<typeof createSalesOrderService>;
