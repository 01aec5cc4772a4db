export * from './http-server.js';
export * from './security-headers.js';
