export * from './utc-days.js';
