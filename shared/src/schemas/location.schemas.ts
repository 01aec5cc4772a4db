import { z } from 'zod';
import { AttributesSchema, CodeSchema, PageQuerySchema, RecordMetaSchema, lineSchema, pageSchema, textSchema } from './common.schemas.js';

export const LOCATION_TYPES = ['store', 'warehouse', 'dc'] as const;

/** An IANA time zone name that this runtime knows, e.g. `Europe/Berlin`. */
export const TimeZoneSchema = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as "Europe/Berlin" or "UTC"');

export const CreateLocationSchema = z
  .object({
    code: CodeSchema,
    name: lineSchema(200),
    type: z.enum(LOCATION_TYPES),
    timeZone: TimeZoneSchema.default('UTC'),
    address: textSchema(400).optional(),
    attributes: AttributesSchema.default({}),
  })
  .strict();
export type CreateLocation = z.infer<typeof CreateLocationSchema>;

// timeZone and attributes restated without their create-time defaults: `.partial()`
// keeps defaults, which would reset them on every update that does not send them.
export const UpdateLocationSchema = CreateLocationSchema.omit({ code: true })
  .extend({ timeZone: TimeZoneSchema, attributes: AttributesSchema, status: z.enum(['active', 'inactive']) })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'give at least one field to change');

export const LocationSchema = RecordMetaSchema.extend({
  code: z.string(),
  name: z.string(),
  type: z.enum(LOCATION_TYPES),
  timeZone: z.string(),
  address: z.string().optional(),
  attributes: AttributesSchema,
  status: z.enum(['active', 'inactive']),
});
export type Location = z.infer<typeof LocationSchema>;

export const ListLocationsQuerySchema = PageQuerySchema.extend({
  sort: z.enum(['code', 'name', 'createdAt']).default('code'),
  type: z.enum(LOCATION_TYPES).optional(),
}).strict();

export const LocationPageSchema = pageSchema(LocationSchema);
