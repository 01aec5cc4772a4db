export * from './database-chain.js';
