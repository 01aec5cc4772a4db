import { z } from 'zod';

/**
 * Planning alerts (seed 000's `planning_alerts`, camelCase): what is at risk,
 * raised by planning runs and the triggered per-pair re-plan in the analytics
 * service (collection `planningAlerts`). One ACTIVE or ACKNOWLEDGED alert per
 * tenant × type × SKU × location: a run that finds the same condition updates
 * it; a run that no longer finds it resolves it (`resolvedBy.kind = 'system'`).
 */

export const ALERT_TYPES = ['STOCKOUT_PREDICTED', 'OVERSTOCK', 'UNUSUAL_DEMAND', 'SUPPLIER_LATE', 'FORECAST_DEGRADED'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

export const ALERT_SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** ACTIVE → ACKNOWLEDGED → RESOLVED | FALSE_POSITIVE; ACTIVE may also go straight to RESOLVED or FALSE_POSITIVE. */
export const ALERT_STATUSES = ['ACTIVE', 'ACKNOWLEDGED', 'RESOLVED', 'FALSE_POSITIVE'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** The statuses in which an alert is still open (counted by the dashboard, updated by runs). */
export const OPEN_ALERT_STATUSES = ['ACTIVE', 'ACKNOWLEDGED'] as const satisfies readonly AlertStatus[];

/** Who moved an alert: a person (by API key) or the planning run that found the condition cleared. */
export const AlertActorSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), apiKeyId: z.string(), name: z.string() }),
  z.object({ kind: z.literal('system'), runId: z.string().nullable() }),
]);
export type AlertActor = z.infer<typeof AlertActorSchema>;

/** One alert (collection `planningAlerts` in the analytics database). */
export const StoredAlertSchema = z.object({
  _id: z.string(),
  tenantId: z.string(),
  type: z.enum(ALERT_TYPES),
  severity: z.enum(ALERT_SEVERITIES),
  /** The rule that set the severity, in words ("stock-out before an order placed today can arrive"). */
  severityRule: z.string(),
  status: z.enum(ALERT_STATUSES),
  sku: z.string(),
  productName: z.string(),
  /** null for alerts about the SKU as a whole (FORECAST_DEGRADED). */
  locationCode: z.string().nullable(),
  title: z.string(),
  description: z.string(),
  /** ISO day the condition is predicted for (stock-out day), or null. */
  predictedDate: z.string().nullable(),
  /** Units short / in excess / outside the interval / not delivered, and their money value in the tenant's currency. */
  impact: z.object({ units: z.number(), value: z.number() }),
  suggestedAction: z.string(),
  /** The recommendation it relates to, if any. */
  recommendationId: z.string().nullable(),
  /** SUPPLIER_LATE: the purchase order and line; other types null. */
  purchaseOrder: z.object({ id: z.string(), poNumber: z.string() }).nullable(),
  /** The run that raised it and the last run that saw the condition. */
  runId: z.string(),
  lastSeenRunId: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
  acknowledgedAt: z.date().nullable(),
  acknowledgedBy: AlertActorSchema.nullable(),
  resolvedAt: z.date().nullable(),
  resolvedBy: AlertActorSchema.nullable(),
  /** The note given on resolve or false-positive. */
  note: z.string().nullable(),
});
export type StoredAlert = z.infer<typeof StoredAlertSchema>;
