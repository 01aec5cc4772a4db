export * from './utc-days.js';
export * from './holidays.js';
