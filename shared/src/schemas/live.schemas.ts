import { z } from 'zod';
import { AlertEventSchema } from './alert.schemas.js';
import { ForecastUpdatedSchema } from './forecast.schemas.js';
import { IsoDateTimeSchema } from './common.schemas.js';
import { RecommendationEventSchema } from './planning-api.schemas.js';
import { SALES_ORDER_STATUSES } from './order.schemas.js';
import { StockMovementSchema, StockPositionSchema } from './stock.schemas.js';

/**
 * Live updates over Socket.IO. Every server event carries an envelope with a
 * per-tenant sequence number: `seq` increases by exactly one per event of the
 * tenant within one `epoch` (one run of the operational service). A client
 * that sees a gap, or a new epoch, fetches `GET /api/live/snapshot` and
 * resumes from the snapshot's `seq`.
 */
export function liveEnvelope<T extends z.ZodType>(data: T) {
  return z.object({ epoch: z.string(), seq: z.number().int().positive(), at: IsoDateTimeSchema, data });
}

export const StockUpdatedSchema = z.object({
  positions: z.array(StockPositionSchema),
  movements: z.array(StockMovementSchema.pick({ id: true, sku: true, locationCode: true, type: true, deltas: true, reference: true, at: true })),
});

export const OrderSummarySchema = z.object({
  id: z.string(),
  orderNumber: z.string(),
  customerCode: z.string(),
  locationCode: z.string(),
  status: z.enum(SALES_ORDER_STATUSES),
  totalAmount: z.number(),
  lineCount: z.number().int(),
  orderedAt: IsoDateTimeSchema,
});
export type OrderSummary = z.infer<typeof OrderSummarySchema>;

export const OrderCreatedSchema = z.object({ order: OrderSummarySchema });
export const OrderStatusSchema = z.object({
  orderId: z.string(),
  orderNumber: z.string(),
  from: z.enum(SALES_ORDER_STATUSES),
  to: z.enum(SALES_ORDER_STATUSES),
  at: IsoDateTimeSchema,
});

export const ReceiptSummarySchema = z.object({
  purchaseOrderId: z.string(),
  poNumber: z.string(),
  supplierCode: z.string(),
  locationCode: z.string(),
  status: z.string(),
  lines: z.array(z.object({ sku: z.string(), quantity: z.number().int() })),
  at: IsoDateTimeSchema,
});
export const PurchaseOrderReceivedSchema = z.object({ receipt: ReceiptSummarySchema });

/** Event name → payload schema (the `data` of the envelope). Names are `domain:action`. */
export const LiveEventSchemas = {
  'stock:updated': StockUpdatedSchema,
  'order:created': OrderCreatedSchema,
  'order:status': OrderStatusSchema,
  'purchase-order:received': PurchaseOrderReceivedSchema,
  'alert:raised': AlertEventSchema,
  'alert:updated': AlertEventSchema,
  'alert:resolved': AlertEventSchema,
  'recommendation:created': RecommendationEventSchema,
  'recommendation:updated': RecommendationEventSchema,
  'forecast:updated': ForecastUpdatedSchema,
} as const;

export type LiveEventName = keyof typeof LiveEventSchemas;
export type LivePayload<E extends LiveEventName> = z.infer<(typeof LiveEventSchemas)[E]>;
export interface LiveEnvelope<T> {
  epoch: string;
  seq: number;
  at: string;
  data: T;
}

/** Socket.IO server → client events, typed from the schemas above. */
export type ServerToClientEvents = {
  [E in LiveEventName]: (envelope: LiveEnvelope<LivePayload<E>>) => void;
};

/** Rooms a client can join, always inside its own tenant. */
export const LiveRoomSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('dashboard') }).strict(),
  z.object({ type: z.literal('product'), sku: z.string().min(1).max(64) }).strict(),
  z.object({ type: z.literal('location'), code: z.string().min(1).max(32) }).strict(),
]);
export type LiveRoom = z.infer<typeof LiveRoomSchema>;
export const SubscribeSchema = z.object({ rooms: z.array(LiveRoomSchema).min(1).max(100) }).strict();

export type SubscribeAck = { ok: true; rooms: string[] } | { ok: false; error: { code: string; message: string } };

/** Socket.IO client → server events. */
export interface ClientToServerEvents {
  subscribe(request: z.input<typeof SubscribeSchema>, ack: (result: SubscribeAck) => void): void;
  unsubscribe(request: z.input<typeof SubscribeSchema>, ack: (result: SubscribeAck) => void): void;
}

/** `GET /api/live/snapshot`: the state to (re)start from, and the sequence it corresponds to. */
export const LiveSnapshotSchema = z.object({
  epoch: z.string(),
  seq: z.number().int().nonnegative(),
  at: IsoDateTimeSchema,
  positions: z.array(StockPositionSchema),
  recentOrders: z.array(OrderSummarySchema),
  recentReceipts: z.array(ReceiptSummarySchema),
});
export type LiveSnapshot = z.infer<typeof LiveSnapshotSchema>;
