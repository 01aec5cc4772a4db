export { createApp, type OperationalApp } from './app.js';
export { startOperational } from './server.js';
export { registerModels, syncModels, type Models } from './db/models.js';
export { ensureTenant, issueApiKey } from './tenancy/api-key.service.js';
export { issueSignInCode, SIGN_IN_CODE_TTL_MS } from './sessions/session.service.js';
export { runAsPrincipal } from './tenancy/tenant-context.js';
export { importHistoryDay } from './history/import-history-day.js';
export type * from './history/history.types.js';
export { followAnalyticsOutbox, type AnalyticsOutboxFollower } from './live/live.analytics-outbox.js';
export {
  followPurchaseOrderRequests,
  type PurchaseOrderRequestFollower,
  type PurchaseOrderRequestFollowerOptions,
  type RequestPassSummary,
} from './purchase-orders/purchase-order.requests.js';
export {
  followTransferRequests,
  TRANSFER_REQUEST_REFERENCE,
  type TransferPassSummary,
  type TransferRequestFollower,
  type TransferRequestFollowerOptions,
} from './stock/stock-transfer.requests.js';
