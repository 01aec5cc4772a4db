import { AppError, type CreateProduct, type ListProductsQuery, type Page, type Product, type StockPosition, type UpdateProduct } from '@icc/shared';
import type { Models } from '../db/models.js';
import { containsText, findPage } from '../db/pagination.js';
import { inStockTransaction } from '../stock/stock-ledger.js';
import { toStockPosition, type StockPositionRecord } from '../stock/stock-position.model.js';
import { toProduct, type ProductRecord } from './product.model.js';

type ProductRow = ProductRecord & { _id: unknown };

/** The catalog. SKUs are unique per tenant and never change. */
export function createProductService(models: Models) {
  async function load(sku: string): Promise<ProductRow> {
    const product = await models.Product.findOne({ sku }).lean<ProductRow>();
    if (!product) throw new AppError('NOT_FOUND', `Product ${sku} does not exist`);
    return product;
  }

  return {
    /**
     * SKUs are kept as entered and looked up exactly (they are the customer's
     * own identifiers), but a new one may not differ from an existing one only
     * by case: `ABC` and `abc` side by side are a keying mistake waiting to
     * happen. The check is a case-insensitive read before the insert; the unique
     * index stays case-sensitive (see docs/ARCHITECTURE.md, Decisions).
     */
    async create(input: CreateProduct): Promise<Product> {
      const existing = await models.Product.findOne({ sku: sameTextIgnoringCase(input.sku) }, { sku: 1 }).lean<{ sku: string }>();
      if (existing?.sku === input.sku) {
        throw new AppError('CONFLICT', `A product with SKU ${input.sku} already exists`);
      }
      if (existing) {
        throw new AppError('CONFLICT', `SKU ${input.sku} differs only by case from the existing SKU ${existing.sku}`, [
          { path: 'sku', message: `differs only by case from ${existing.sku}` },
        ]);
      }
      const created = await models.Product.create(input);
      return toProduct(created.toObject());
    },

    async get(sku: string): Promise<Product> {
      return toProduct(await load(sku));
    },

    list(query: ListProductsQuery): Promise<Page<Product>> {
      const filter: Record<string, unknown> = {};
      if (!query.includeDeleted && query.status !== 'discontinued') filter.deletedAt = null;
      if (query.category) filter.category = query.category;
      if (query.brand) filter.brand = query.brand;
      if (query.status) filter.status = query.status;
      if (query.search) filter.$or = [{ name: containsText(query.search) }, { sku: containsText(query.search) }];
      return findPage(models.Product, filter, query, (d) => toProduct(d as ProductRow), { uniqueSort: query.sort === 'sku' });
    },

    /**
     * Update the catalog entry. A new reorder point is copied onto the product's
     * positions (and their low-stock flag recomputed), since low-stock queries
     * read the positions alone.
     */
    async update(sku: string, changes: UpdateProduct): Promise<Product> {
      const { subCategory, brand, ...rest } = changes;
      const unset: Record<string, ''> = {};
      const set: Record<string, unknown> = { ...rest };
      if (subCategory === null) unset.subCategory = '';
      else if (subCategory !== undefined) set.subCategory = subCategory;
      if (brand === null) unset.brand = '';
      else if (brand !== undefined) set.brand = brand;
      const updated = await inStockTransaction(models, async (session) => {
        const product = await models.Product.findOneAndUpdate(
          { sku, deletedAt: null },
          { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) },
          { returnDocument: 'after', runValidators: true, session },
        ).lean<ProductRow>();
        if (!product) throw new AppError('NOT_FOUND', `Product ${sku} does not exist or is discontinued`);
        const reorderPoint = changes.reorderPoint;
        if (reorderPoint !== undefined) {
          await models.StockPosition.updateMany({ sku }, { $set: { reorderPoint } }, { session });
          await models.StockPosition.updateMany({ sku, available: { $lt: reorderPoint } }, { $set: { lowStock: true } }, { session });
          await models.StockPosition.updateMany({ sku, available: { $gte: reorderPoint } }, { $set: { lowStock: false } }, { session });
        }
        return product;
      });
      return toProduct(updated);
    },

    /** Soft delete: the product stays for history (ledger, orders) but leaves the catalog. */
    async discontinue(sku: string): Promise<Product> {
      const now = new Date();
      const updated = await inStockTransaction(models, async (session) => {
        const product = await models.Product.findOneAndUpdate(
          { sku, deletedAt: null },
          { $set: { status: 'discontinued', deletedAt: now } },
          { returnDocument: 'after', session },
        ).lean<ProductRow>();
        // Nobody reorders a discontinued product: its positions leave the low-stock list.
        if (product) await models.StockPosition.updateMany({ sku }, { $set: { reorderPoint: 0, lowStock: false } }, { session });
        return product;
      });
      if (!updated) throw new AppError('NOT_FOUND', `Product ${sku} does not exist or is already discontinued`);
      return toProduct(updated);
    },

    /** Positions with available stock below the reorder point, at any location. */
    async lowStock(query: { limit: number; cursor?: string | undefined; locationCode?: string | undefined }): Promise<Page<StockPosition>> {
      const filter: Record<string, unknown> = { lowStock: true };
      if (query.locationCode) filter.locationCode = query.locationCode;
      return findPage(models.StockPosition, filter, { sort: 'sku', order: 'asc', limit: query.limit, cursor: query.cursor }, (d) =>
        toStockPosition(d as StockPositionRecord),
      );
    },

    load,
  };
}

export type ProductService = ReturnType<typeof createProductService>;

/** An exact, case-insensitive match of `text` (regex metacharacters escaped). */
function sameTextIgnoringCase(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'i');
}
