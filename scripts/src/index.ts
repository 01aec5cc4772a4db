/** What other workspace packages (the cross-service tests) use from scripts: the demo business. */
export { DEMO_DEFAULTS, seedDemo, seedDemoIfEmpty, yesterday, type SeedSummary } from './demo/seed.js';
export * from './demo/index.js';
export { runTriggerForecast, type TriggerForecastIo } from './trigger-forecast/cli.js';
