export * from './config/index.js';
export * from './errors/index.js';
export * from './dates/index.js';
export * from './logging/index.js';
export * from './mongo/index.js';
export * from './schemas/index.js';
export * from './auth/index.js';
export * from './money/index.js';
