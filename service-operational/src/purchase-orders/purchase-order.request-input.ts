import { CreatePurchaseOrderSchema, type CreatePurchaseOrder, type StoredPurchaseOrderRequest } from '@icc/shared';
import { RECOMMENDATION_SOURCE } from './purchase-order.model.js';

/** The order notes' limit (CreatePurchaseOrderSchema's `notes`). */
const NOTES_LIMIT = 1_000;

/**
 * The order notes of an accepted request: which recommendations it fulfils and
 * who accepted them. Ids that would not fit the notes' limit are counted, not
 * listed (the full list stays on the request in the analytics database).
 *
 * @example purchaseOrderNotes({ recommendationIds: ['r1', 'r2'], requestedBy: { name: 'Dana' } })
 *   // 'Accepted recommendations r1, r2 by Dana'
 */
export function purchaseOrderNotes(request: Pick<StoredPurchaseOrderRequest, 'recommendationIds' | 'requestedBy'>): string {
  const ids = request.recommendationIds;
  const by = ` by ${request.requestedBy.name}`;
  // Room kept for " and N more" whatever N is, so the count never pushes the notes past the limit.
  let room = NOTES_LIMIT - `Accepted recommendations and ${ids.length} more`.length - by.length;
  let listed = 0;
  while (listed < ids.length && (room -= ids[listed]!.length + 2) >= 0) listed += 1;
  const more = listed < ids.length ? ` and ${ids.length - listed} more` : '';
  const what = listed === 0 ? `${ids.length} recommendations` : `recommendation${ids.length === 1 ? '' : 's'} ${ids.slice(0, listed).join(', ')}${more}`;
  return `Accepted ${what}${by}`.slice(0, NOTES_LIMIT);
}

/**
 * The purchase order a recorded request asks for, as the create route would
 * receive it and checked by the route's own schema (so a request obeys the
 * same limits as a person's order): placed at once (`order: true`, the
 * acceptance is the decision to order), keyed to the request by its source.
 * The supplier is given by id: the caller looked its code up in the request's tenant.
 *
 * @example toCreatePurchaseOrder(request, String(supplier._id)) // { success: true, data: { supplierId, order: true, source: { type: 'recommendation', id: request._id }, … } }
 */
export function toCreatePurchaseOrder(request: StoredPurchaseOrderRequest, supplierId: string) {
  return CreatePurchaseOrderSchema.safeParse({
    supplierId,
    locationCode: request.locationCode,
    lines: request.lines.map((line) => ({ sku: line.sku, quantity: line.quantity, unitCost: line.unitCost })),
    expectedDate: request.expectedDate.toISOString(),
    source: { type: RECOMMENDATION_SOURCE, id: request._id },
    order: true,
    notes: purchaseOrderNotes(request),
  } satisfies CreatePurchaseOrder);
}
