import {
  ANY_ROLE,
  CreateProductSchema,
  ListProductsQuerySchema,
  MovementsQuerySchema,
  PageQuerySchema,
  ProductPageSchema,
  ProductSchema,
  ProductStockSchema,
  SkuParamsSchema,
  StockMovementPageSchema,
  StockPositionPageSchema,
  UpdateProductSchema,
  CodeSchema,
} from '@icc/shared';
import { defineRoute, type AnyRoute } from '../http/route.js';
import type { StockService } from '../stock/stock.service.js';
import type { ProductService } from './product.service.js';

const CATALOG_EDITORS = ['purchasing'] as const;
const tag = 'products';

const LowStockQuerySchema = PageQuerySchema.pick({ limit: true, cursor: true }).extend({ locationCode: CodeSchema.optional() }).strict();
const ProductMovementsQuerySchema = MovementsQuerySchema.omit({ sku: true });

export function productRoutes(products: ProductService, stock: StockService): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/products',
      tag,
      summary: 'List products (cursor pagination, filters, sort)',
      roles: ANY_ROLE,
      query: ListProductsQuerySchema,
      response: ProductPageSchema,
      handler: ({ query }) => products.list(query),
    }),
    // Declared before /:sku so "low-stock" is never taken for a SKU.
    defineRoute({
      method: 'get',
      path: '/api/products/low-stock',
      tag,
      summary: 'Positions whose available stock is below the reorder point, at any location',
      roles: ANY_ROLE,
      query: LowStockQuerySchema,
      response: StockPositionPageSchema,
      handler: ({ query }) => products.lowStock(query),
    }),
    defineRoute({
      method: 'post',
      path: '/api/products',
      tag,
      summary: 'Create a product',
      status: 201,
      idempotent: true,
      roles: CATALOG_EDITORS,
      body: CreateProductSchema,
      response: ProductSchema,
      handler: ({ body }) => products.create(body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/products/:sku',
      tag,
      summary: 'Get a product by SKU',
      roles: ANY_ROLE,
      params: SkuParamsSchema,
      response: ProductSchema,
      handler: ({ params }) => products.get(params.sku),
    }),
    defineRoute({
      method: 'put',
      path: '/api/products/:sku',
      tag,
      summary: 'Update a product (any field but the SKU)',
      roles: CATALOG_EDITORS,
      params: SkuParamsSchema,
      body: UpdateProductSchema,
      response: ProductSchema,
      handler: ({ params, body }) => products.update(params.sku, body),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/products/:sku',
      tag,
      summary: 'Discontinue a product (soft delete; history is kept)',
      roles: CATALOG_EDITORS,
      params: SkuParamsSchema,
      response: ProductSchema,
      handler: ({ params }) => products.discontinue(params.sku),
    }),
    defineRoute({
      method: 'get',
      path: '/api/products/:sku/stock',
      tag,
      summary: 'Stock of one product at every location, with totals',
      roles: ANY_ROLE,
      params: SkuParamsSchema,
      response: ProductStockSchema,
      handler: ({ params }) => stock.productStock(params.sku),
    }),
    defineRoute({
      method: 'get',
      path: '/api/products/:sku/movements',
      tag,
      summary: 'Ledger rows of one product, newest first',
      roles: ANY_ROLE,
      params: SkuParamsSchema,
      query: ProductMovementsQuerySchema,
      response: StockMovementPageSchema,
      handler: async ({ params, query }) => {
        await products.load(params.sku);
        return stock.movements({ ...query, sku: params.sku });
      },
    }),
  ];
}
