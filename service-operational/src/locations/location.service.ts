import type { ListLocationsQuerySchema } from '@icc/shared';
import type { z } from 'zod';
import { codedRecordService } from '../db/coded-records.js';
import type { Models } from '../db/models.js';
import { toLocation } from './location.model.js';

/** Locations (stores, warehouses, DCs): master data addressed by their code. */
export function createLocationService(models: Models) {
  const locations = codedRecordService({ model: models.Location, label: 'Location', toOutput: toLocation });
  return {
    create: locations.create,
    get: locations.get,
    update: locations.update,
    list: (query: z.infer<typeof ListLocationsQuerySchema>) => locations.list(query, query.type ? { type: query.type } : {}),
  };
}

export type LocationService = ReturnType<typeof createLocationService>;
