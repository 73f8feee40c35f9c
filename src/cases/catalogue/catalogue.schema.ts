import { Type, type Static } from 'typebox';

// Every legal fact carries where it comes from and whether the reference confirmed it against
// the instrument's text; facts the reference marks UNCONFIRMED stay `confirmed: false`.
const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$' });
const Text = Type.String({ minLength: 1 });

/** An instrument and a place in it, or a field Accord adds where the instrument lists nothing. */
export const SourceSchema = Type.Union([
  Type.Object({ instrument: Id, ref: Text }, { additionalProperties: false }),
  Type.Object({ derived: Text }, { additionalProperties: false }),
]);

const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

export const InstrumentSchema = Type.Object(
  {
    id: Id,
    names: Type.Object({ en: Text, ru: Type.Optional(Text), uz: Type.Optional(Text) }, { additionalProperties: false }),
    names_todo: Type.Optional(Text),
    binding: Type.Boolean(),
    adopted: Type.Optional(IsoDate),
    dated: Type.Optional(IsoDate),
    opened_for_signature: Type.Optional(IsoDate),
    in_force: Type.Optional(IsoDate),
    article_count: Type.Optional(Type.Integer({ minimum: 1 })),
    reference: Text,
    source: SourceSchema,
    confirmed: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const OffenceSchema = Type.Object(
  {
    id: Id,
    instrument: Id,
    article: Type.Integer({ minimum: 1 }),
    title: Text,
    source: SourceSchema,
    confirmed: Type.Boolean(),
    maps_to: Type.Array(
      Type.Object({ id: Id, confirmed: Type.Boolean(), note: Type.Optional(Text) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

const LegalBasis = Type.Object(
  {
    instrument: Id,
    article: Type.Optional(Type.Integer({ minimum: 1 })),
    source: SourceSchema,
    confirmed: Type.Boolean(),
    note: Type.Optional(Text),
  },
  { additionalProperties: false },
);

export const FieldTypes = ['authority', 'text', 'offence_refs', 'boolean', 'date', 'date_range'] as const;
const Field = Type.Object(
  {
    id: Id,
    type: Type.Union(FieldTypes.map((t) => Type.Literal(t))),
    required: Type.Boolean(),
    source: SourceSchema,
    confirmed: Type.Boolean(),
    note: Type.Optional(Text),
  },
  { additionalProperties: false },
);

const Deadline = Type.Object(
  {
    id: Id,
    kind: Type.Union(
      ['minimum_days', 'extension_on_request', 'as_soon_as_possible', 'expedited', 'confirm_in_writing_at_once'].map((k) =>
        Type.Literal(k),
      ),
    ),
    days: Type.Optional(Type.Integer({ minimum: 1 })),
    source: SourceSchema,
    confirmed: Type.Boolean(),
    note: Type.Optional(Text),
  },
  { additionalProperties: false },
);

const Step = Type.Object(
  { id: Id, by: Type.Union([Type.Literal('requesting'), Type.Literal('requested')]), source: SourceSchema, confirmed: Type.Boolean() },
  { additionalProperties: false },
);

/**
 * A ground on which a request of the type may be refused: the ground itself (`instrument` and
 * `ref`, e.g. budapest `27(4)(a)`), the provision that makes it a ground for this type
 * (`source`, e.g. UN art 42(6) for preservation), and whether the reference confirms both.
 * A refusal names the grounds of the instrument the request rests on.
 */
const RefusalGround = Type.Object(
  { instrument: Id, ref: Text, source: SourceSchema, confirmed: Type.Boolean(), note: Type.Optional(Text) },
  { additionalProperties: false },
);

export const RequestTypeSchema = Type.Object(
  {
    id: Id,
    title: Text,
    legal_bases: Type.Array(LegalBasis, { minItems: 1 }),
    fields: Type.Array(Field, { minItems: 1 }),
    deadlines: Type.Array(Deadline),
    refusal_grounds: Type.Optional(Type.Array(RefusalGround)),
    reasons_required: Type.Optional(SourceSchema),
    consult_before: Type.Optional(SourceSchema),
    steps: Type.Array(Step, { minItems: 1 }),
    note: Type.Optional(Text),
  },
  { additionalProperties: false },
);

export const CatalogueDataSchema = Type.Object({
  instruments: Type.Array(InstrumentSchema, { minItems: 1 }),
  offences: Type.Array(OffenceSchema),
  requestTypes: Type.Array(RequestTypeSchema),
});

export type Source = Static<typeof SourceSchema>;
export type Instrument = Static<typeof InstrumentSchema>;
export type Offence = Static<typeof OffenceSchema>;
export type RequestType = Static<typeof RequestTypeSchema>;
export type LegalBasis = Static<typeof LegalBasis>;
export type RefusalGround = Static<typeof RefusalGround>;
export type CatalogueData = Static<typeof CatalogueDataSchema>;
