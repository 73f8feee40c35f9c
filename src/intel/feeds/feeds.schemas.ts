import { Type, type Static } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Tlp = Type.Union([Type.Literal('clear'), Type.Literal('green'), Type.Literal('amber'), Type.Literal('amber+strict'), Type.Literal('red')]);

/** Limits of a feed's settings. */
export const FEED_LIMITS = { pageSizeMax: 1000, pageSizeDefault: 500, intervalMin: 5, intervalMax: 10_080, intervalDefault: 60 } as const;

const AuthInput = Type.Union([
  Type.Object({ kind: Type.Literal('none') }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('token'), token: Type.String({ minLength: 1, maxLength: 2000, description: 'sent as Authorization: Bearer; stored sealed, never shown again' }) }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('basic'), username: Type.String({ minLength: 1, maxLength: 200 }), password: Type.String({ minLength: 1, maxLength: 2000, description: 'stored sealed, never shown again' }) },
    { additionalProperties: false },
  ),
]);

const feedFields = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  api_root: Type.String({ minLength: 1, maxLength: 2000, description: "the API root's URL (http or https), e.g. https://taxii.example.org/api1/" }),
  collection_id: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._~-]+$' }),
  default_marking: Type.String({ minLength: 1, maxLength: 100, description: 'a TLP 2.0 marking-definition id, put on what arrives without a TLP marking' }),
  interval_minutes: Type.Integer({ minimum: FEED_LIMITS.intervalMin, maximum: FEED_LIMITS.intervalMax }),
  page_size: Type.Integer({ minimum: 1, maximum: FEED_LIMITS.pageSizeMax }),
  enabled: Type.Boolean(),
};

export const NewFeedSchema = Type.Object(
  {
    title: feedFields.title,
    api_root: feedFields.api_root,
    collection_id: feedFields.collection_id,
    auth: Type.Optional(AuthInput),
    default_marking: feedFields.default_marking,
    interval_minutes: Type.Optional(feedFields.interval_minutes),
    page_size: Type.Optional(feedFields.page_size),
    enabled: Type.Optional(feedFields.enabled),
  },
  { additionalProperties: false },
);
export type NewFeed = Static<typeof NewFeedSchema>;

export const FeedChangeSchema = Type.Object(
  {
    title: Type.Optional(feedFields.title),
    api_root: Type.Optional(feedFields.api_root),
    collection_id: Type.Optional(feedFields.collection_id),
    auth: Type.Optional(AuthInput),
    default_marking: Type.Optional(feedFields.default_marking),
    interval_minutes: Type.Optional(feedFields.interval_minutes),
    page_size: Type.Optional(feedFields.page_size),
    enabled: Type.Optional(feedFields.enabled),
  },
  { additionalProperties: false, description: 'what to change; a new api_root or collection_id starts following from the beginning' },
);
export type FeedChange = Static<typeof FeedChangeSchema>;

export const FeedSchema = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    api_root: Type.String(),
    collection_id: Type.String(),
    auth: Type.Object({ kind: Type.Union([Type.Literal('none'), Type.Literal('token'), Type.Literal('basic')]), username: Nullable(Type.String()), has_secret: Type.Boolean() }, { description: 'the secret itself is never shown' }),
    default_marking: Type.String(),
    default_tlp: Tlp,
    interval_minutes: Type.Integer(),
    page_size: Type.Integer(),
    enabled: Type.Boolean(),
    state: Type.Object({
      added_after: Nullable(Type.String({ description: 'where the next walk of the collection starts' })),
      resuming: Type.Boolean({ description: 'a walk stopped part-way (error or time budget) and goes on at its next page' }),
      running: Type.Boolean(),
      due_at: Type.String(),
      last_run_at: Nullable(Type.String()),
      last_success_at: Nullable(Type.String()),
      last_error: Nullable(Type.String()),
    }),
    counts: Type.Object({ pages: Type.Integer(), objects: Type.Integer(), stored: Type.Integer(), duplicates: Type.Integer(), refused: Type.Integer(), marked: Type.Integer() }),
    created_by: Type.String(),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'IntelFeed' },
);
export type FeedView = Static<typeof FeedSchema>;

export const FeedListSchema = Type.Object({ feeds: Type.Array(Type.Ref('IntelFeed')) });
export const FeedParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
