export * from './env-loader.js';
export * from './env-schemas.js';
