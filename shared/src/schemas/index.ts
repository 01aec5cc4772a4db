export * from './common.schemas.js';
export * from './auth.schemas.js';
export * from './product.schemas.js';
export * from './partner.schemas.js';
export * from './location.schemas.js';
export * from './campaign.schemas.js';
export * from './stock.schemas.js';
