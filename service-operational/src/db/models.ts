import type { Connection } from 'mongoose';
import { campaignModel } from '../campaigns/campaign.model.js';
import { customerModel } from '../customers/customer.model.js';
import { counterModel } from './counter.model.js';
import { salesOrderModel } from '../orders/sales-order.model.js';
import { purchaseOrderModel } from '../purchase-orders/purchase-order.model.js';
import { idempotencyKeyModel } from '../http/idempotency.model.js';
import { locationModel } from '../locations/location.model.js';
import { productModel } from '../products/product.model.js';
import { stockMovementModel } from '../stock/stock-movement.model.js';
import { stockPositionModel } from '../stock/stock-position.model.js';
import { transferExecutionModel } from '../stock/transfer-execution.model.js';
import { productSupplierModel, supplierModel } from '../suppliers/supplier.model.js';
import { sessionModel, signInCodeModel } from '../sessions/session.model.js';
import { apiKeyModel } from '../tenancy/api-key.model.js';
import { tenantModel } from '../tenancy/tenant.model.js';

/**
 * Every model of the operational database, bound to one connection. Services
 * receive this object rather than importing global models, so tests and the
 * admin CLI can run several apps or databases side by side.
 */
export function registerModels(connection: Connection) {
  return {
    connection,
    Tenant: tenantModel(connection),
    ApiKey: apiKeyModel(connection),
    Session: sessionModel(connection),
    SignInCode: signInCodeModel(connection),
    Product: productModel(connection),
    Supplier: supplierModel(connection),
    ProductSupplier: productSupplierModel(connection),
    Customer: customerModel(connection),
    Location: locationModel(connection),
    Campaign: campaignModel(connection),
    StockPosition: stockPositionModel(connection),
    StockMovement: stockMovementModel(connection),
    IdempotencyKey: idempotencyKeyModel(connection),
    Counter: counterModel(connection),
    SalesOrder: salesOrderModel(connection),
    PurchaseOrder: purchaseOrderModel(connection),
    TransferExecution: transferExecutionModel(connection),
  };
}

export type Models = ReturnType<typeof registerModels>;

/** Create collections and indexes (mongod needs collections to exist before multi-document transactions write to them). */
export async function syncModels(models: Models): Promise<void> {
  for (const model of Object.values(models)) {
    if (typeof model === 'function' && 'syncIndexes' in model) {
      await model.createCollection();
      await model.syncIndexes();
    }
  }
}
