import { z } from 'zod';
import { CodeSchema, DayKeySchema, DEFAULT_PAGE_SIZE, IsoDateTimeSchema, lineSchema, MAX_PAGE_SIZE, ObjectIdSchema, SkuSchema } from './common.schemas.js';

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

// ----- the alerts API -----

/** An alert as the API shows it: `id` for `_id`, times as ISO strings. */
export const AlertSchema = StoredAlertSchema.omit({
  _id: true,
  tenantId: true,
  createdAt: true,
  updatedAt: true,
  acknowledgedAt: true,
  resolvedAt: true,
}).extend({
  id: z.string(),
  createdAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
  acknowledgedAt: IsoDateTimeSchema.nullable(),
  resolvedAt: IsoDateTimeSchema.nullable(),
});
export type Alert = z.infer<typeof AlertSchema>;

export const AlertParamsSchema = z.object({ id: ObjectIdSchema }).strict();

const AlertCursorSchema = z.string().min(1).max(512).optional().describe('nextCursor of the previous page');
const AlertLimitSchema = z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE);

/** `GET /api/alerts/active`: open (ACTIVE or ACKNOWLEDGED) alerts, newest first. */
export const ActiveAlertsQuerySchema = z
  .object({
    severity: z.enum(ALERT_SEVERITIES).optional(),
    type: z.enum(ALERT_TYPES).optional(),
    sku: SkuSchema.optional(),
    locationCode: CodeSchema.optional(),
    limit: AlertLimitSchema,
    cursor: AlertCursorSchema,
  })
  .strict();
export type ActiveAlertsQuery = z.infer<typeof ActiveAlertsQuerySchema>;

/** Days of history one request may span at most. */
export const MAX_ALERT_HISTORY_DAYS = 366;

/** `GET /api/alerts/history`: every alert created from `from` to `to` (UTC days, inclusive; default the last 30 days), newest first. */
export const AlertHistoryQuerySchema = z
  .object({
    from: DayKeySchema.optional().describe('first UTC day (inclusive); default 29 days before `to`'),
    to: DayKeySchema.optional().describe('last UTC day (inclusive); default today'),
    status: z.enum(ALERT_STATUSES).optional(),
    type: z.enum(ALERT_TYPES).optional(),
    sku: SkuSchema.optional(),
    locationCode: CodeSchema.optional(),
    limit: AlertLimitSchema,
    cursor: AlertCursorSchema,
  })
  .strict();
export type AlertHistoryQuery = z.infer<typeof AlertHistoryQuerySchema>;

export const AlertListSchema = z.object({ items: z.array(AlertSchema), nextCursor: z.string().nullable() });

/** `POST /api/alerts/{id}/acknowledge` and `/resolve`: an optional note. */
export const AlertNoteBodySchema = z.object({ note: lineSchema(500).optional() }).strict();
/** `POST /api/alerts/{id}/false-positive`: why it was not a real risk (kept with the alert). */
export const AlertFalsePositiveBodySchema = z.object({ note: lineSchema(500) }).strict();

// ----- live events -----

/** `alert:raised` / `alert:updated` / `alert:resolved`, to the tenant's dashboard room: enough for a row; the rest is one GET away. */
export const AlertEventSchema = z.object({
  id: z.string(),
  type: z.enum(ALERT_TYPES),
  severity: z.enum(ALERT_SEVERITIES),
  status: z.enum(ALERT_STATUSES),
  sku: z.string(),
  locationCode: z.string().nullable(),
  title: z.string(),
  predictedDate: z.string().nullable(),
  impact: z.object({ units: z.number(), value: z.number() }),
});
export type AlertEvent = z.infer<typeof AlertEventSchema>;
