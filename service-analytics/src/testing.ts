/**
 * `@icc/service-analytics/testing`: the pieces of the pipeline that benchmarks
 * (scripts/bench, scripts/src/forecast-bench) and cross-service journeys
 * (tests/) drive directly, below the service's HTTP interface. Not for the
 * service's own code, which imports its domain folders.
 */
export { createCdcConsumer, type CdcConsumer } from './cdc/cdc-consumer.js';
export { DASHBOARD_COLLECTIONS } from './dashboard/dashboard.collections.js';
export { refreshDashboardSummary } from './dashboard/dashboard-summary.js';
export type { ChangeSink, SourceChange } from './cdc/cdc.types.js';
export { FACT_COLLECTIONS, type FactSeriesDoc } from './facts/fact-collections.js';
export { recomputeAllFacts } from './facts/recompute-all.js';
export type { CampaignMirrorDoc, ProductMirrorDoc } from './facts/reference-mirror.js';
export type { DemandPoint } from './features/daily-series.js';
export { buildFeatureRows } from './features/feature-engineering.js';
export { FEATURE_HISTORY, historyDocument, type FeatureHistoryDoc } from './features/feature-history.js';
export { FEATURES } from './features/feature-indexes.js';
export { recomputeFeatures, type FeatureDocument } from './features/feature-store.js';
export { FORECAST_COLLECTIONS, type TrainingJobDocument } from './forecasts/forecast-collections.js';
export type { ForecastOutcome, ForecastSettings, ForecastTaskItem } from './forecasts/forecast-compute.js';
export { futureFlags, readHistories, skusWithHistory, tenantCampaigns } from './forecasts/forecast-history.js';
export { createForecastPool, type ForecastPool } from './forecasts/forecast-pool.js';
export { createForecastRunner } from './forecasts/forecast-runner.js';
export { storeForecasts, type ForecastBatchContext } from './forecasts/forecast-store.js';
export { summariseJob, tallyOutcomes } from './forecasts/job-summary.js';
export { createTrainingJob } from './forecasts/training-jobs.js';
export { ensureAnalyticsIndexes, type Pipeline } from './pipeline.js';
export { createPlanningWorker, type PlanningWorker } from './planning/planning-worker.js';
export { PLANNING_COLLECTIONS } from './planning/planning.collections.js';
export { runDocument } from './planning/planning-runs.js';
export { optimizationRunsOf, requestOptimizationRun } from './planning/optimize/optimize-runs.js';
