export { createAnalyticsApp, type AnalyticsAppOptions } from './app.js';
export { startAnalytics } from './server.js';
export { createPipeline, ensureAnalyticsIndexes } from './pipeline.js';
export * from './forecasting/index.js';
