import { AppError, type Page } from '@icc/shared';
import type { Model } from 'mongoose';
import { containsText, findPage } from './pagination.js';

/**
 * Create/get/list/update for master data identified by a per-tenant unique
 * `code` (customers, locations): the same four operations with the same rules,
 * written once. They are plain functions (no `this`), so callers may pass them
 * around detached from the returned object.
 */
export function codedRecordService<TRaw, TRecord extends { code: string }, TOut>(options: {
  model: Model<TRaw>;
  label: string;
  toOutput: (record: TRecord) => TOut;
}) {
  const { model, label, toOutput } = options;

  async function load(id: string): Promise<TRecord> {
    const record = await model.findById(id).lean<TRecord>();
    if (!record) throw new AppError('NOT_FOUND', `${label} ${id} does not exist`);
    return record;
  }

  async function create(input: Partial<TRaw> & { code: string }): Promise<TOut> {
    if (await model.exists({ code: input.code })) {
      throw new AppError('CONFLICT', `A ${label.toLowerCase()} with code ${input.code} already exists`);
    }
    const created = await model.create(input);
    // The stored document as a plain object, the same row `load` reads with lean().
    return toOutput(created.toObject() as unknown as TRecord);
  }

  async function get(id: string): Promise<TOut> {
    return toOutput(await load(id));
  }

  function list(
    query: { sort: string; order: 'asc' | 'desc'; limit: number; cursor?: string | undefined; search?: string | undefined },
    filter: Record<string, unknown>,
  ): Promise<Page<TOut>> {
    const where = { ...filter };
    if (query.search) where.$or = [{ name: containsText(query.search) }, { code: containsText(query.search) }];
    return findPage(model, where, query, (d) => toOutput(d as TRecord), { uniqueSort: query.sort === 'code' });
  }

  async function update(id: string, changes: object): Promise<TOut> {
    const updated = await model.findByIdAndUpdate(id, { $set: changes }, { returnDocument: 'after', runValidators: true }).lean<TRecord>();
    if (!updated) throw new AppError('NOT_FOUND', `${label} ${id} does not exist`);
    return toOutput(updated);
  }

  return { create, get, list, update, load };
}
