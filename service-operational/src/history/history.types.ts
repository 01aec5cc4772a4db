/**
 * The shape of closed history handed to `importHistoryDay`: what happened on
 * one UTC day, already decided by whoever produced it (the demo generator, a
 * migration from another system). Every time is a real instant of that day or
 * later; the importer keeps them all.
 */

/** One sales-order line: what the customer asked for and whether it was served. */
export interface HistorySalesLine {
  sku: string;
  /** Demanded units (true demand, whatever happened). */
  quantity: number;
  listPrice: number;
  unitPrice: number;
  discountPercent: number;
  /** The campaign that priced the line, by its (unique) name; null without one. */
  campaignName: string | null;
  /**
   * `served`: shipped in full; `rejected`: refused at confirmation for lack of
   * stock; `cancelled`: the order was cancelled before it shipped.
   */
  outcome: 'served' | 'rejected' | 'cancelled';
}

/** A sales order in its final state. */
export interface HistorySalesOrder {
  orderNumber: string;
  customerCode: string;
  locationCode: string;
  orderedAt: Date;
  /**
   * `delivered`/`shipped`: at least one line served; `rejected`: no line could
   * be served; `cancelled`: the customer cancelled after confirmation.
   */
  status: 'delivered' | 'shipped' | 'rejected' | 'cancelled';
  /** When the served lines left stock (required for shipped and delivered). */
  shippedAt?: Date;
  deliveredAt?: Date;
  cancelledAt?: Date;
  lines: HistorySalesLine[];
}

/** A purchase order placed with a supplier (draft → ordered at `orderedAt`). */
export interface HistoryPurchaseOrder {
  poNumber: string;
  supplierCode: string;
  locationCode: string;
  orderedAt: Date;
  expectedDate: Date;
  lines: Array<{ sku: string; quantity: number; unitCost: number }>;
  source?: { type: 'manual' | 'recommendation'; id?: string };
}

/** Goods in against an earlier (or the same day's) purchase order, by PO line index. */
export interface HistoryReceipt {
  poNumber: string;
  at: Date;
  lines: Array<{ line: number; quantity: number }>;
}

/** The rest of a purchase order written off: it will not come. */
export interface HistoryPurchaseCancel {
  poNumber: string;
  at: Date;
  reason: string;
}

/** A count correction, e.g. the opening balance a history starts from. */
export interface HistoryAdjustment {
  sku: string;
  locationCode: string;
  quantity: number;
  at: Date;
  reason: string;
}

export interface HistoryDay {
  /** The UTC day, `YYYY-MM-DD`; document numbers of the day use it. */
  day: string;
  adjustments: HistoryAdjustment[];
  purchaseOrders: HistoryPurchaseOrder[];
  receipts: HistoryReceipt[];
  purchaseCancels: HistoryPurchaseCancel[];
  salesOrders: HistorySalesOrder[];
}

export interface HistoryDayResult {
  salesOrders: number;
  salesLines: number;
  purchaseOrders: number;
  movements: number;
}
