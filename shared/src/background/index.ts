export * from './background-logger.js';
export * from './backoff.js';
export * from './poll-loop.js';
export * from './leased-jobs.js';
