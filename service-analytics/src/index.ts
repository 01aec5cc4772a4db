export { createAnalyticsApp, type AnalyticsAppOptions } from './app.js';
export { startAnalytics } from './server.js';
export { createPipeline, ensureAnalyticsIndexes } from './pipeline.js';
export * from './forecasting/index.js';
export { createForecastPool, type ForecastPool } from './forecasts/forecast-pool.js';
export { createForecastRunner, type ForecastRunner } from './forecasts/forecast-runner.js';
