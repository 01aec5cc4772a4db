export * from './api-keys.js';
export * from './authorize.js';
export * from './sessions.js';
