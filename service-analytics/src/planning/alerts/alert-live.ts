import type { AlertEvent, StoredAlert } from '@icc/shared';
import type { Db } from 'mongodb';
import { FORECAST_COLLECTIONS } from '../../forecasts/forecast-collections.js';

export type AlertEventName = 'alert:raised' | 'alert:updated' | 'alert:resolved';

/** An outbox document of an alert event (the hub checks `data` against shared's `AlertEventSchema`). */
interface AlertOutboxDocument {
  tenantId: string;
  event: AlertEventName;
  room: 'dashboard';
  data: AlertEvent;
  createdAt: Date;
}

/** The live payload of an alert: enough for a dashboard row; the rest is one GET away. */
export function alertEvent(alert: StoredAlert): AlertEvent {
  const { _id, type, severity, status, sku, locationCode, title, predictedDate, impact } = alert;
  return { id: _id, type, severity, status, sku, locationCode, title, predictedDate, impact: { units: impact.units, value: impact.value } };
}

/**
 * Tell the tenant's dashboards about raised, changed and resolved alerts,
 * through the live outbox the operational hub follows (as planning-live.ts
 * does for recommendations). Written after the alerts.
 *
 * @example await announceAlerts(db, [{ event: 'alert:raised', alert }], new Date())
 */
export async function announceAlerts(db: Db, events: readonly { event: AlertEventName; alert: StoredAlert }[], now: Date): Promise<void> {
  if (events.length === 0) return;
  await db.collection<AlertOutboxDocument>(FORECAST_COLLECTIONS.liveOutbox).insertMany(
    events.map(({ event, alert }) => ({ tenantId: alert.tenantId, event, room: 'dashboard', data: alertEvent(alert), createdAt: now })),
    { ordered: false },
  );
}
