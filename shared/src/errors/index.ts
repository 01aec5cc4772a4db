export * from './error-catalogue.js';
export * from './app-error.js';
