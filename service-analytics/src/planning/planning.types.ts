import type { DayKey, PlanningRunCounts, PlanningRunKind, PlanningSettings, ReorderRuleBody } from '@icc/shared';
import type { LeasedJobDocument } from '@icc/shared';

/** Who changed or actioned something: the API key's id and name. */
export interface Actor {
  apiKeyId: string;
  name: string;
}

/** A reorder rule as stored, `_id` = `${tenantId}:${sku}:${locationCode ?? '*'}` (location codes never contain `*`). */
export interface ReorderRuleDocument extends ReorderRuleBody {
  _id: string;
  tenantId: string;
  sku: string;
  locationCode: string | null;
  updatedAt: Date;
  updatedBy: Actor;
}

/** The tenant's planning settings, `_id` = tenantId. */
export interface PlanningSettingsDocument extends PlanningSettings {
  _id: string;
  updatedAt: Date;
  updatedBy: Actor;
}

/** One planning run: a leased job (shared/src/background/leased-jobs.ts) with its parameters, progress and what it decided from. */
export interface PlanningRunDocument extends LeasedJobDocument {
  _id: string;
  tenantId: string;
  kind: PlanningRunKind;
  reason: string;
  parameters: { skus: string[] | null; locationCodes: string[] | null };
  /** SCHEDULED: the day it is for (one per tenant and day, a unique index); TRIGGERED by a forecast job: that job. */
  scheduledFor: DayKey | null;
  forecastJobId: string | null;
  /** A SCHEDULED run waits for the forecast job it asked for (when the latest forecast was older than a day). */
  awaitForecastJobId: string | null;
  progress: { total: number; done: number };
  /** Pairs are planned in (sku, location) order; a resumed run starts after this pair's SKU. */
  resumeAfterSku: string | null;
  counts: PlanningRunCounts;
  inputs: { today: DayKey | null; forecastJobIds: string[]; forecastDates: DayKey[]; stockAsOf: Date | null };
  skipped: { sku: string; locationCode: string; reason: string }[];
  durationMs: number | null;
}

/** Per tenant × SKU × location: what the last run computed, for the stock watcher (`_id` = `${tenantId}:${sku}:${locationCode}`). */
export interface PlanningPairDocument {
  _id: string;
  tenantId: string;
  sku: string;
  locationCode: string;
  reorderPoint: number;
  inventoryPosition: number;
  /** Accepted, not yet ordered, when it was planned: the watcher adds it to a changed stock row's position. */
  acceptedOpen: number;
  /** When these numbers were computed (a later run that finds them the same does not rewrite them). */
  plannedAt: Date;
  runId: string;
}

/** A watcher's bookmark: the stock watcher's newest `updatedAt` seen. */
export interface PlanningWatcherDocument {
  _id: string;
  stockSeenUntil: Date;
  /** How far the watcher has looked at the back-order mirror (absent in bookmarks written before it watched back-orders). */
  backordersSeenUntil?: Date;
}

export const EMPTY_RUN_COUNTS: PlanningRunCounts = {
  skusAnalysed: 0,
  pairsAnalysed: 0,
  recommendationsCreated: 0,
  recommendationsUpdated: 0,
  recommendationsUnchanged: 0,
  recommendationsSuperseded: 0,
  recommendationsExpired: 0,
  alertsCreated: 0,
  pairsSkipped: 0,
};
