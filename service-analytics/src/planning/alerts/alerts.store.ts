import {
  addUtcDays,
  AppError,
  MAX_ALERT_HISTORY_DAYS,
  ObjectIdSchema,
  OPEN_ALERT_STATUSES,
  utcDayKey,
  utcDaysBetween,
  type ActiveAlertsQuery,
  type Alert,
  type AlertActor,
  type AlertHistoryQuery,
  type AlertStatus,
  type Page,
  type StoredAlert,
} from '@icc/shared';
import type { Db, Filter, UpdateFilter } from 'mongodb';
import { announceAlerts } from './alert-live.js';
import { alertsOf, type AlertDocument } from './alert-writer.js';

/** A stored alert as the API shows it. */
export function toAlert(stored: AlertDocument): Alert {
  const { _id, tenantId, openKey, createdAt, updatedAt, acknowledgedAt, resolvedAt, ...fields } = stored;
  return {
    id: _id,
    ...fields,
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
    acknowledgedAt: acknowledgedAt?.toISOString() ?? null,
    resolvedAt: resolvedAt?.toISOString() ?? null,
  };
}

const badCursor = () =>
  new AppError('INVALID_INPUT', 'cursor: not a cursor from this list; use nextCursor from the previous page', [{ path: 'cursor', message: 'invalid cursor' }]);

/**
 * `GET /api/alerts/active`: the tenant's open (ACTIVE or ACKNOWLEDGED)
 * alerts, newest first, filtered, a page at a time; the cursor is the last id shown.
 */
export async function listActiveAlerts(db: Db, tenantId: string, query: ActiveAlertsQuery): Promise<Page<Alert>> {
  const filter: Filter<AlertDocument> = { tenantId, status: { $in: [...OPEN_ALERT_STATUSES] } };
  if (query.severity !== undefined) filter.severity = query.severity;
  if (query.type !== undefined) filter.type = query.type;
  if (query.sku !== undefined) filter.sku = query.sku;
  if (query.locationCode !== undefined) filter.locationCode = query.locationCode;
  if (query.cursor !== undefined) {
    const id = Buffer.from(query.cursor, 'base64url').toString('utf8');
    if (!ObjectIdSchema.safeParse(id).success) throw badCursor();
    filter._id = { $lt: id };
  }
  const rows = await alertsOf(db)
    .find(filter)
    .sort({ _id: -1 })
    .limit(query.limit + 1)
    .toArray();
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { items: page.map(toAlert), nextCursor: rows.length > query.limit && last ? Buffer.from(last._id).toString('base64url') : null };
}

/**
 * `GET /api/alerts/history`: every alert of the tenant created from `from`
 * to `to` (UTC days, inclusive; default the 30 days to today), any status,
 * newest first, a page at a time; the cursor holds the last one's creation time and id.
 */
export async function listAlertHistory(db: Db, tenantId: string, query: AlertHistoryQuery, now: Date): Promise<Page<Alert>> {
  const to = query.to ?? utcDayKey(now);
  const from = query.from ?? addUtcDays(to, -29);
  if (from > to) throw new AppError('INVALID_INPUT', `from (${from}) is after to (${to})`, [{ path: 'from', message: 'must be on or before to' }]);
  if (utcDaysBetween(from, to) >= MAX_ALERT_HISTORY_DAYS)
    throw new AppError('INVALID_INPUT', `from–to spans more than ${MAX_ALERT_HISTORY_DAYS} days; ask for a shorter range`, [
      { path: 'from', message: `at most ${MAX_ALERT_HISTORY_DAYS} days before to` },
    ]);
  const filter: Filter<AlertDocument> = { tenantId, createdAt: { $gte: new Date(`${from}T00:00:00Z`), $lt: new Date(`${addUtcDays(to, 1)}T00:00:00Z`) } };
  if (query.status !== undefined) filter.status = query.status;
  if (query.type !== undefined) filter.type = query.type;
  if (query.sku !== undefined) filter.sku = query.sku;
  if (query.locationCode !== undefined) filter.locationCode = query.locationCode;
  if (query.cursor !== undefined) {
    const match = /^(\d{1,15}):([0-9a-f]{24})$/.exec(Buffer.from(query.cursor, 'base64url').toString('utf8'));
    if (!match) throw badCursor();
    const at = new Date(Number(match[1]));
    filter.$or = [{ createdAt: { $lt: at } }, { createdAt: at, _id: { $lt: match[2]! } }];
  }
  const rows = await alertsOf(db)
    .find(filter)
    .sort({ createdAt: -1, _id: -1 })
    .limit(query.limit + 1)
    .toArray();
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > query.limit && last ? Buffer.from(`${last.createdAt.getTime()}:${last._id}`).toString('base64url') : null;
  return { items: page.map(toAlert), nextCursor };
}

type Action = 'acknowledge' | 'resolve' | 'false-positive';

/** What each action does: the statuses it moves from and the fields it sets. */
const ACTIONS: Record<Action, { from: readonly AlertStatus[]; to: AlertStatus }> = {
  acknowledge: { from: ['ACTIVE'], to: 'ACKNOWLEDGED' },
  resolve: { from: ['ACTIVE', 'ACKNOWLEDGED'], to: 'RESOLVED' },
  'false-positive': { from: ['ACTIVE', 'ACKNOWLEDGED'], to: 'FALSE_POSITIVE' },
};

/**
 * Move an alert of the tenant: ACTIVE → ACKNOWLEDGED, ACTIVE | ACKNOWLEDGED →
 * RESOLVED | FALSE_POSITIVE (closing it: the next run that finds the
 * condition raises a new one). Atomic on the status, so of two people acting
 * at once one wins and the other gets 409; another tenant's id answers 404
 * like an unknown one. A live `alert:updated` (acknowledged) or
 * `alert:resolved` follows.
 *
 * @example await actOnAlert(db, 'acme', id, 'resolve', { actor, note: 'ordered by phone' }, new Date())
 */
export async function actOnAlert(
  db: Db,
  tenantId: string,
  id: string,
  action: Action,
  by: { actor: AlertActor; note?: string | undefined },
  now: Date,
): Promise<AlertDocument> {
  const { from, to } = ACTIONS[action];
  const update: UpdateFilter<AlertDocument> =
    to === 'ACKNOWLEDGED'
      ? { $set: { status: to, acknowledgedAt: now, acknowledgedBy: by.actor, updatedAt: now, ...(by.note !== undefined ? { note: by.note } : {}) } }
      : { $set: { status: to, resolvedAt: now, resolvedBy: by.actor, updatedAt: now, note: by.note ?? null }, $unset: { openKey: '' } };
  const moved = await alertsOf(db).findOneAndUpdate({ _id: id, tenantId, status: { $in: [...from] } }, update, { returnDocument: 'after' });
  if (moved) {
    const { openKey: _key, ...alert } = moved;
    await announceAlerts(db, [{ event: to === 'ACKNOWLEDGED' ? 'alert:updated' : 'alert:resolved', alert }], now);
    return moved;
  }
  const stored = await alertsOf(db).findOne({ _id: id, tenantId });
  if (!stored) throw new AppError('NOT_FOUND', `No alert ${id}`);
  throw notActionable(stored, action);
}

function notActionable(stored: StoredAlert, action: Action): AppError {
  const who = (actor: AlertActor | null) => (actor === null ? '' : actor.kind === 'user' ? ` by ${actor.name}` : ` by planning run ${actor.runId ?? '?'}`);
  const because: Record<AlertStatus, string> = {
    ACTIVE: 'it is ACTIVE',
    ACKNOWLEDGED: `it was already acknowledged${who(stored.acknowledgedBy)}; resolve it or mark it a false positive`,
    RESOLVED: `it was already resolved${who(stored.resolvedBy)} at ${stored.resolvedAt?.toISOString() ?? '?'}`,
    FALSE_POSITIVE: `it was already marked a false positive${who(stored.resolvedBy)}`,
  };
  return new AppError(
    'ILLEGAL_TRANSITION',
    `Cannot ${action === 'false-positive' ? 'mark as false positive' : action} alert ${stored._id}: ${because[stored.status]}`,
    {
      status: stored.status,
    },
  );
}
