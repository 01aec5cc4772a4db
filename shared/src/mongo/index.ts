export * from './database-chain.js';
export * from './error-codes.js';
