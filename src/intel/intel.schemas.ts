import { Type } from 'typebox';
import { TLP_LEVELS } from './policy/markings.js';

const Uuid = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
const Tlp = Type.Union(TLP_LEVELS.map((l) => Type.Literal(l)));
const StixId = Type.String({ pattern: '^[a-z0-9-]{1,250}--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$', maxLength: 300 });

const Problem = Type.Object({ path: Type.String(), code: Type.String(), message: Type.String() }, { additionalProperties: false });
const Refusal = Type.Object({ index: Type.Integer({ minimum: 0 }), id: Type.Optional(Type.String()), errors: Type.Array(Problem) }, { additionalProperties: false });

export const ImportSummarySchema = Type.Object(
  {
    import_id: Uuid,
    state: Type.Union([Type.Literal('done'), Type.Literal('failed')]),
    objects_read: Type.Integer({ minimum: 0 }),
    stored: Type.Integer({ minimum: 0 }),
    duplicates: Type.Integer({ minimum: 0, description: 'versions already held, skipped' }),
    refused: Type.Integer({ minimum: 0 }),
    refusals: Type.Array(Refusal, { description: 'the first 1,000 refused objects, each with its position, id and reasons' }),
    error: Type.Union([Type.String(), Type.Null()], { description: 'why the bundle as a whole could not be read to its end (what came before was stored)' }),
  },
  { $id: 'IntelImportSummary', additionalProperties: false },
);

export const ImportProgressSchema = Type.Object(
  {
    id: Uuid,
    started_by: Type.String(),
    started_at: Type.String({ format: 'date-time' }),
    finished_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    state: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
    bytes_read: Type.Integer({ minimum: 0 }),
    bytes_total: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    objects_read: Type.Integer({ minimum: 0 }),
    stored: Type.Integer({ minimum: 0 }),
    duplicates: Type.Integer({ minimum: 0 }),
    refused: Type.Integer({ minimum: 0 }),
    refusals: Type.Array(Refusal),
    error: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);

export const StoredObjectSchema = Type.Object(
  {
    id: Type.String(),
    version: Type.String({ description: '`modified`, else `created`, at millisecond precision; empty for unversioned cyber observables' }),
    type: Type.String(),
    tlp: Type.Union([Tlp, Type.Null()], { description: 'the narrowest TLP marking the object carries; null when unmarked' }),
    origin: Type.Union([Type.Literal('local'), Type.Literal('received')]),
    source: Type.String({ description: 'where it came from: `import:<id>`, a peer node id or a feed' }),
    revoked: Type.Boolean(),
    date_added: Type.String({ format: 'date-time' }),
    object: Type.Record(Type.String(), Type.Unknown(), { description: 'the STIX object' }),
  },
  { $id: 'IntelObject', additionalProperties: false },
);

export const ImportParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const ObjectParams = Type.Object({ id: StixId }, { additionalProperties: false });

export const ObjectListQuery = Type.Object(
  {
    type: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,250}$' })),
    tlp: Type.Optional(Tlp),
    origin: Type.Optional(Type.Union([Type.Literal('local'), Type.Literal('received')])),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'the `next` of the previous page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  },
  { additionalProperties: false },
);

export const ObjectListSchema = Type.Object(
  {
    objects: Type.Array(Type.Ref('IntelObject')),
    next: Type.Union([Type.Integer(), Type.Null()], { description: 'pass as `before` for the next page; null on the last' }),
  },
  { additionalProperties: false },
);

export const ObjectVersionsSchema = Type.Object({ versions: Type.Array(Type.Ref('IntelObject')) }, { additionalProperties: false });

export const ExportQuery = Type.Object(
  {
    type: ObjectListQuery.properties.type,
    tlp: ObjectListQuery.properties.tlp,
    origin: ObjectListQuery.properties.origin,
    q: ObjectListQuery.properties.q,
    versions: Type.Optional(Type.Union([Type.Literal('latest'), Type.Literal('all')], { description: '`latest` (default): the newest version of each object; `all`: every version held', default: 'latest' })),
  },
  { additionalProperties: false },
);

export const IncomingSchema = Type.Object(
  {
    incoming: Type.Array(Type.Ref('IntelObject'), { description: 'the newest version of each relationship whose target_ref, and each sighting whose sighting_of_ref, is this object (those you may see), newest first' }),
    truncated: Type.Boolean({ description: 'more were found than the limit' }),
  },
  { additionalProperties: false },
);
