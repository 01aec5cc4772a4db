/**
 * Writes operational-shaped documents straight into an operational database
 * with the bare driver, as service-operational would (same fields as the
 * Mongoose models in service-operational/src/**\/*.model.ts, same
 * transaction boundaries as stock-ledger.ts and the order lifecycle): an
 * order's status change, its ledger rows and its positions commit together.
 * Tests and benchmarks use it to produce change streams without running the
 * operational service.
 */
import { roundMoney } from '@icc/shared';
import { ObjectId, type ClientSession, type Db, type Document, type MongoClient } from 'mongodb';

type Status = 'pending' | 'confirmed' | 'shipped' | 'delivered' | 'cancelled' | 'rejected';
type LineStatus = 'open' | 'reserved' | 'backordered' | 'rejected' | 'shipped' | 'cancelled';
type Bucket = 'onHand' | 'reserved' | 'onOrder' | 'inTransit' | 'damaged';
type Balances = Record<Bucket | 'available', number>;

/** A sales-order line as `sales-order.model.ts` stores it. */
export interface SourceOrderLine {
  line: number;
  sku: string;
  quantity: number;
  listPrice: number;
  unitPrice: number;
  discountPercent: number;
  campaignId: string | null;
  status: LineStatus;
  reservedQuantity: number;
  shippedQuantity: number;
  returnedQuantity: number;
  unfulfilledQuantity: number;
  backorderedQuantity: number;
}

/** A sales order as `sales-order.model.ts` stores it. */
export interface SourceOrder {
  _id: ObjectId;
  tenantId: string;
  orderNumber: string;
  customerCode: string;
  customerSegment: string;
  locationCode: string;
  status: Status;
  onShortage: 'fail' | 'reject' | 'backorder';
  lines: SourceOrderLine[];
  totalAmount: number;
  statusHistory: Array<{ status: Status; at: Date; reason?: string }>;
  returns: Array<{ at: Date; reason: string; lines: Array<{ line: number; quantity: number; to: 'onHand' | 'damaged' }> }>;
  orderedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

interface Movement {
  sku: string;
  type: 'receipt' | 'reserve' | 'sale' | 'release';
  deltas: Partial<Record<Bucket, number>>;
  reference: { type: string; id: string; line?: number };
}

export interface SourceWriterOptions {
  tenantId?: string;
  locationCode?: string;
  customerCode?: string;
  customerSegment?: string;
  /** List price of every product. */
  price?: number;
}

const ZERO: Balances = { onHand: 0, reserved: 0, available: 0, onOrder: 0, inTransit: 0, damaged: 0 };
const BUCKETS: readonly Bucket[] = ['onHand', 'reserved', 'onOrder', 'inTransit', 'damaged'];
const total = (lines: readonly SourceOrderLine[]) => roundMoney(lines.reduce((sum, l) => sum + l.unitPrice * (l.quantity - l.unfulfilledQuantity), 0));
const dayStamp = (at: Date) => at.toISOString().slice(0, 10).replaceAll('-', '');

/**
 * A writer bound to one operational database and one tenant/location.
 *
 * @example
 *   const source = sourceWriter(client, 'icc_operational');
 *   await source.seedCatalog(['A-1', 'A-2'], 1_000);
 *   const id = await source.createOrder([{ sku: 'A-1', quantity: 2 }], { confirm: true });
 *   await source.shipOrder(id);
 */
export function sourceWriter(client: MongoClient, dbName: string, options: SourceWriterOptions = {}) {
  const db: Db = client.db(dbName);
  const tenantId = options.tenantId ?? 'acme';
  const locationCode = options.locationCode ?? 'WH1';
  const customerCode = options.customerCode ?? 'C1';
  const customerSegment = options.customerSegment ?? 'retail';
  const price = options.price ?? 10;
  const actor = { apiKeyId: 'test-key', keyName: 'source-writer' };
  let orderCounter = 0;

  const orders = db.collection<SourceOrder>('salesOrders');
  const positions = db.collection('stockPositions');
  const movements = db.collection('stockMovements');

  async function inTransaction<T>(work: (session: ClientSession) => Promise<T>): Promise<T> {
    const session = client.startSession();
    try {
      return await session.withTransaction(work);
    } finally {
      await session.endSession();
    }
  }

  /** stock-ledger.ts's applyMovements: ledger rows with balances after, then one guarded $inc per position. */
  async function applyMovements(list: readonly Movement[], at: Date, session: ClientSession): Promise<void> {
    if (list.length === 0) return;
    const skus = [...new Set(list.map((m) => m.sku))];
    const current = await positions.find({ tenantId, locationCode, sku: { $in: skus } }, { session }).toArray();
    const before = new Map(
      current.map((p) => [
        p.sku as string,
        { onHand: p.onHand, reserved: p.reserved, available: p.available, onOrder: p.onOrder, inTransit: p.inTransit, damaged: p.damaged },
      ]),
    );
    const reorderPoints = new Map(current.map((p) => [p.sku as string, p.reorderPoint as number]));
    const after = new Map<string, Balances>();
    const rows = list.map((m) => {
      const balance = { ...(after.get(m.sku) ?? before.get(m.sku) ?? ZERO) };
      for (const bucket of BUCKETS) balance[bucket] += m.deltas[bucket] ?? 0;
      balance.available = balance.onHand - balance.reserved;
      if (Object.values(balance).some((v) => v < 0)) throw new Error(`source-writer: ${m.sku} would go negative`);
      after.set(m.sku, balance);
      return {
        _id: new ObjectId(),
        tenantId,
        sku: m.sku,
        locationCode,
        type: m.type,
        deltas: m.deltas,
        balanceAfter: balance,
        reference: m.reference,
        actor,
        at,
      };
    });
    await movements.insertMany(rows, { session });
    const writes = [...after].map(([sku, balance]) => {
      const old = before.get(sku);
      // Products are seeded with reorder point 0, so a new position starts with 0 as well.
      const state = { lowStock: balance.available < (reorderPoints.get(sku) ?? 0), updatedAt: at };
      if (!old) {
        return { insertOne: { document: { tenantId, sku, locationCode, ...balance, reorderPoint: 0, ...state } } };
      }
      const change: Record<string, number> = {};
      for (const key of Object.keys(balance) as Array<keyof Balances>) change[key] = balance[key] - old[key];
      return { updateOne: { filter: { tenantId, sku, locationCode }, update: { $inc: change, $set: state } } };
    });
    await positions.bulkWrite(writes, { session, ordered: true });
  }

  async function transition(
    id: ObjectId,
    to: Status,
    at: Date,
    plan: (order: SourceOrder) => { lines: SourceOrderLine[]; movements: Movement[] },
  ): Promise<SourceOrder> {
    return inTransaction(async (session) => {
      const order = await orders.findOne({ _id: id }, { session });
      if (!order) throw new Error(`source-writer: no order ${String(id)}`);
      const { lines, movements: moves } = plan(order);
      await applyMovements(moves, at, session);
      const updated = await orders.findOneAndUpdate(
        { _id: id, status: order.status },
        { $set: { status: to, lines, totalAmount: total(lines), updatedAt: at }, $push: { statusHistory: { status: to, at } } },
        { session, returnDocument: 'after' },
      );
      if (!updated) throw new Error(`source-writer: order ${order.orderNumber} changed concurrently`);
      return updated;
    });
  }

  const ref = (order: Pick<SourceOrder, '_id'>, line: SourceOrderLine) => ({ type: 'salesOrder', id: String(order._id), line: line.line });

  function confirmPlan(order: SourceOrder) {
    const moves: Movement[] = [];
    const lines = order.lines.map((line) => {
      if (line.status !== 'open' && line.status !== 'backordered') return line;
      moves.push({ sku: line.sku, type: 'reserve', deltas: { reserved: line.quantity }, reference: ref(order, line) });
      return { ...line, status: 'reserved' as const, reservedQuantity: line.quantity, backorderedQuantity: 0 };
    });
    return { lines, movements: moves };
  }

  return {
    db,
    tenantId,
    locationCode,

    /** Products (as product.model.ts) and opening stock through `receipt` ledger rows. */
    async seedCatalog(skus: readonly string[], onHand: number, at = new Date()): Promise<void> {
      await db.collection('products').insertMany(
        skus.map((sku) => ({
          tenantId,
          sku,
          name: `Product ${sku}`,
          category: 'general',
          unit: 'each',
          price,
          cost: price / 2,
          reorderPoint: 0,
          safetyStock: 0,
          leadTimeDays: 7,
          attributes: {},
          status: 'active',
          createdAt: at,
          updatedAt: at,
        })),
      );
      await inTransaction((session) =>
        applyMovements(
          skus.map((sku) => ({ sku, type: 'receipt', deltas: { onHand }, reference: { type: 'opening', id: 'seed' } })),
          at,
          session,
        ),
      );
    },

    /** A new order, pending — or created and confirmed in one transaction, as `create({ confirm: true })` does. */
    async createOrder(lines: ReadonlyArray<{ sku: string; quantity: number }>, opts: { confirm?: boolean; at?: Date } = {}): Promise<ObjectId> {
      const at = opts.at ?? new Date();
      orderCounter += 1;
      const pending: SourceOrder = {
        _id: new ObjectId(),
        tenantId,
        orderNumber: `SO-${dayStamp(at)}-${String(orderCounter).padStart(4, '0')}`,
        customerCode,
        customerSegment,
        locationCode,
        status: 'pending',
        onShortage: 'fail',
        lines: lines.map((l, index) => ({
          line: index,
          sku: l.sku,
          quantity: l.quantity,
          listPrice: price,
          unitPrice: price,
          discountPercent: 0,
          campaignId: null,
          status: 'open',
          reservedQuantity: 0,
          shippedQuantity: 0,
          returnedQuantity: 0,
          unfulfilledQuantity: 0,
          backorderedQuantity: 0,
        })),
        totalAmount: 0,
        statusHistory: [{ status: 'pending', at }],
        returns: [],
        orderedAt: at,
        createdAt: at,
        updatedAt: at,
      };
      pending.totalAmount = total(pending.lines);
      await inTransaction(async (session) => {
        let record = pending;
        if (opts.confirm) {
          const plan = confirmPlan(pending);
          await applyMovements(plan.movements, at, session);
          record = {
            ...pending,
            status: 'confirmed',
            lines: plan.lines,
            totalAmount: total(plan.lines),
            statusHistory: [...pending.statusHistory, { status: 'confirmed', at }],
          };
        }
        await orders.insertOne(record, { session });
      });
      return pending._id;
    },

    confirmOrder: (id: ObjectId, at = new Date()) => transition(id, 'confirmed', at, confirmPlan),

    shipOrder: (id: ObjectId, at = new Date()) =>
      transition(id, 'shipped', at, (order) => {
        const moves: Movement[] = [];
        const lines = order.lines.map((line) => {
          if (line.status === 'reserved') {
            moves.push({
              sku: line.sku,
              type: 'sale',
              deltas: { onHand: -line.reservedQuantity, reserved: -line.reservedQuantity },
              reference: ref(order, line),
            });
            return { ...line, status: 'shipped' as const, shippedQuantity: line.reservedQuantity, reservedQuantity: 0 };
          }
          if (line.status === 'backordered') return { ...line, status: 'cancelled' as const, unfulfilledQuantity: line.quantity, backorderedQuantity: 0 };
          return line;
        });
        return { lines, movements: moves };
      }),

    cancelOrder: (id: ObjectId, at = new Date()) =>
      transition(id, 'cancelled', at, (order) => {
        const moves: Movement[] = [];
        const lines = order.lines.map((line) => {
          if (line.status === 'reserved')
            moves.push({ sku: line.sku, type: 'release', deltas: { reserved: -line.reservedQuantity }, reference: ref(order, line) });
          if (line.status === 'reserved' || line.status === 'open' || line.status === 'backordered') {
            return { ...line, status: 'cancelled' as const, reservedQuantity: 0, backorderedQuantity: 0, unfulfilledQuantity: line.quantity };
          }
          return line;
        });
        return { lines, movements: moves };
      }),

    /** A product field change outside any order (e.g. a price update): one `update` event. */
    async touchProduct(sku: string, set: Document, at = new Date()): Promise<void> {
      await db.collection('products').updateOne({ tenantId, sku }, { $set: { ...set, updatedAt: at } });
    },
  };
}

export type SourceWriter = ReturnType<typeof sourceWriter>;
