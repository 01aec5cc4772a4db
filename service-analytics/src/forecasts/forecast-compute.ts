import { STORED_CONFIDENCE_LEVELS } from '@icc/shared';
import { forecastSeries, seasonalNaiveScale, type SeriesForecast, type SeriesInput } from '../forecasting/index.js';
import { campaignLift, type CampaignLift } from './campaign-effect.js';
import type { StoredInterval } from './forecast-collections.js';
import type { FutureFlags } from './forecast-history.js';

/** What a forecast job asks of every SKU. */
export interface ForecastSettings {
  season: number;
  horizon: number;
  confidence: number;
}

export interface ForecastTaskItem {
  sku: string;
  series: Required<SeriesInput>;
  future: FutureFlags;
}

export type ForecastOutcome =
  | {
      sku: string;
      status: 'forecast';
      forecast: SeriesForecast;
      /** The job's confidence plus the standard ladder, each with its half-widths per step. */
      intervals: StoredInterval[];
      /** In-sample seasonal-naive MAE: the MASE scale once actuals arrive. */
      maseScale: number;
      campaignLift: CampaignLift | null;
    }
  | { sku: string; status: 'skipped'; message: string }
  | { sku: string; status: 'failed'; message: string };

/**
 * Forecast one SKU for a job: the engine's backtested selection with
 * intervals at the job's confidence and at every stored level, the MASE scale
 * for later accuracy tracking, and its campaign lift. Pure: this is what the
 * worker threads run. A history too short to backtest is skipped (not a
 * failure: the SKU is new); anything the engine throws otherwise is a failure
 * of that SKU alone.
 *
 * @example computeForecast({ sku, series, future }, { season: 7, horizon: 28, confidence: 0.95 }).status // 'forecast'
 */
export function computeForecast(item: ForecastTaskItem, settings: ForecastSettings): ForecastOutcome {
  const { sku, series } = item;
  const needed = minimumHistory(settings);
  if (series.values.length < needed) {
    return {
      sku,
      status: 'skipped',
      message: `needs ${needed} days of history for a ${settings.horizon}-day backtest with season ${settings.season}; has ${series.values.length}`,
    };
  }
  try {
    const levels = [...new Set([settings.confidence, ...STORED_CONFIDENCE_LEVELS])].sort((a, b) => a - b);
    const forecast = forecastSeries(series, {
      season: settings.season,
      horizon: settings.horizon,
      confidence: settings.confidence,
      intervalLevels: levels,
      futureCampaign: item.future.campaign,
      futureHoliday: item.future.holiday,
    });
    const usable = series.censored.map((c) => !c);
    return {
      sku,
      status: 'forecast',
      forecast,
      intervals: forecast.intervals ?? [],
      maseScale: seasonalNaiveScale(series.values, settings.season, usable),
      campaignLift: campaignLift(series.values, series.censored, series.campaign, settings.season),
    };
  } catch (error) {
    return { sku, status: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
}

/** Days a series needs: one season plus one period for the MASE scale, then one full horizon held out. */
export function minimumHistory(settings: Pick<ForecastSettings, 'season' | 'horizon'>): number {
  return settings.season + 1 + settings.horizon;
}

/** The worker's task: several SKUs at once, so a thread hop is paid per batch. */
export interface ForecastTask {
  items: ForecastTaskItem[];
  settings: ForecastSettings;
}

export function computeForecasts(task: ForecastTask): ForecastOutcome[] {
  return task.items.map((item) => computeForecast(item, task.settings));
}
