import { Type, type Static, type TProperties } from 'typebox';

/**
 * The cases protocol (docs/federation-protocol.md, "Cases"): one message type carries every
 * case event. A case is a log of signed events kept by both parties, the requesting node
 * (which opened it) and the requested node; its state is a pure fold over the log
 * (cases.rules.ts). Each event names the events its author had seen (`seen`), so the fold
 * can put it after them whatever the clocks say. Schemas only.
 */
export const CaseMessage = { event: 'cases.event/v1' } as const;

export const UuidSchema = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
export const NodeIdSchema = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' });
const TimestampSchema = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$' });
const DateSchema = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
/** BCP 47 language tag: `en`, `ru`, `uz-Latn`. */
export const LanguageSchema = Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', maxLength: 35 });
const CatalogueId = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$', maxLength: 100 });
const LongText = (maxLength = 20_000) => Type.String({ minLength: 1, maxLength });

export const Priority = { routine: 'routine', urgent: 'urgent', emergency: 'emergency' } as const;
export type Priority = (typeof Priority)[keyof typeof Priority];
export const PrioritySchema = Type.Union([Type.Literal('routine'), Type.Literal('urgent'), Type.Literal('emergency')]);

/** A field's value: text, a yes/no, a date, a period, or offence ids (the type's catalogue entry says which). */
export const FieldValueSchema = Type.Union([
  Type.String({ maxLength: 20_000 }),
  Type.Boolean(),
  Type.Object({ from: DateSchema, to: DateSchema }, { additionalProperties: false }),
  Type.Array(CatalogueId, { maxItems: 50 }),
]);
export type FieldValue = Static<typeof FieldValueSchema>;
export const FieldsSchema = Type.Record(Type.String({ pattern: '^[a-z0-9][a-z0-9_]*$', maxLength: 100 }), FieldValueSchema, { maxProperties: 60 });
export type Fields = Static<typeof FieldsSchema>;

/** The same fields in another language: text fields only (yes/no, dates and offences do not translate). */
export const TranslationSchema = Type.Object(
  { language: LanguageSchema, fields: Type.Record(Type.String({ pattern: '^[a-z0-9][a-z0-9_]*$', maxLength: 100 }), Type.String({ maxLength: 20_000 }), { maxProperties: 60 }) },
  { additionalProperties: false },
);
export type Translation = Static<typeof TranslationSchema>;

/**
 * Handling codes travel with the case and bind the receiver: do not notify the person
 * concerned, use only for the stated proceedings (speciality, art. 40), and whether what is
 * shared may be passed on.
 */
export const HandlingSchema = Type.Object(
  {
    do_not_notify: Type.Boolean(),
    use_limited_to_proceedings: Type.Boolean(),
    onward: Type.Union([Type.Literal('none'), Type.Literal('with_consent'), Type.Literal('free')]),
  },
  { additionalProperties: false },
);
export type Handling = Static<typeof HandlingSchema>;

export const LegalBasisSchema = Type.Object({ instrument: CatalogueId, article: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: false });
export type LegalBasisChoice = Static<typeof LegalBasisSchema>;

/** What a request says: the draft a user writes and the content of the case's opening event. */
export const RequestContentSchema = Type.Object(
  {
    type: CatalogueId,
    priority: PrioritySchema,
    subject: Type.String({ minLength: 1, maxLength: 300 }),
    /** The requesting authority's own file number. */
    reference: Type.Optional(Type.String({ maxLength: 200 })),
    legal_basis: LegalBasisSchema,
    language: LanguageSchema,
    fields: FieldsSchema,
    translations: Type.Array(TranslationSchema, { maxItems: 10 }),
    handling: HandlingSchema,
  },
  { additionalProperties: false },
);
export type RequestContent = Static<typeof RequestContentSchema>;

/** A reference to an event the author had seen: the fold puts the event after it. */
export const SeenSchema = Type.Object({ author: NodeIdSchema, event_id: UuidSchema }, { additionalProperties: false });
export type Seen = Static<typeof SeenSchema>;

const EventFields = { event_id: UuidSchema, case_id: UuidSchema, created_at: TimestampSchema, seen: Type.Array(SeenSchema, { maxItems: 100 }) };
const ev = <A extends string, P extends TProperties>(action: A, payload: P) =>
  Type.Object({ ...EventFields, action: Type.Literal(action), ...payload }, { additionalProperties: false });

const Note = Type.Optional(LongText());

/** Every case event, by action. Who may take which action when is in cases.rules.ts. */
export const CaseEventBody = Type.Union([
  ev('open', {
    requested: NodeIdSchema,
    request: RequestContentSchema,
    /** Hours to acknowledge that the agreements in force between the two nodes set for its priority; absent: Accord's default. */
    ack_hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 8760 })),
  }),
  ev('acknowledge', { note: Note }),
  ev('ask_information', { text: LongText() }),
  ev('add_information', { text: LongText() }),
  ev('accept', { note: Note }),
  ev('preserve', { until: DateSchema, note: Note }),
  ev('execute', { extent: Type.Union([Type.Literal('partial'), Type.Literal('full')]), text: LongText() }),
  ev('postpone', { reasons: LongText(), until: Type.Optional(DateSchema) }),
  ev('offer_conditions', { conditions: LongText() }),
  ev('accept_conditions', { note: Note }),
  ev('decline_conditions', { note: Note }),
  ev('refuse', { grounds: Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { minItems: 1, maxItems: 20, uniqueItems: true }), reasons: LongText() }),
  ev('hand_over', { authority: Type.String({ minLength: 1, maxLength: 500 }), note: Note }),
  ev('extend', { days: Type.Integer({ minimum: 1, maximum: 3650 }), reasons: Note }),
  ev('withdraw', { reasons: Note }),
  ev('close', { note: Note }),
  ev('message', { text: LongText() }),
]);
export type CaseEventBody = Static<typeof CaseEventBody>;
export type CaseAction = CaseEventBody['action'];
export const CASE_ACTIONS = CaseEventBody.anyOf.map((s) => s.properties.action.const) as CaseAction[];

/** An action as a user asks for it: the event body without what the node fills in. */
export type ActionInput = CaseEventBody extends infer E ? (E extends CaseEventBody ? Omit<E, 'event_id' | 'case_id' | 'created_at' | 'seen'> : never) : never;
export const ActionInputSchema = Type.Union(
  CaseEventBody.anyOf
    .filter((s) => s.properties.action.const !== 'open')
    .map((s) => {
      const { event_id: _a, case_id: _b, created_at: _c, seen: _d, ...rest } = s.properties;
      return Type.Object(rest, { additionalProperties: false });
    }),
);
