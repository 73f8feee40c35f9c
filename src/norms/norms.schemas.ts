import { Type, type Static } from 'typebox';

/** The GGE 2015 letters (A/70/174 para 13), the norms' ids. */
export const NORM_IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'] as const;
export type NormId = (typeof NORM_IDS)[number];

export const NormStatus = { notStarted: 'not_started', inProgress: 'in_progress', implemented: 'implemented' } as const;
export type NormStatus = (typeof NormStatus)[keyof typeof NormStatus];
export const NORM_STATUSES: readonly NormStatus[] = Object.values(NormStatus);

export const DraftState = { draft: 'draft', inReview: 'in_review', returned: 'returned', approved: 'approved', published: 'published' } as const;
export type DraftState = (typeof DraftState)[keyof typeof DraftState];

/** Input limits (test/web-limits.test.ts publishes them to the web app). */
export const NORMS_LIMITS = { text: 8000, shortText: 2000, links: 20, url: 2000, linkTitle: 200, summary: 4000, comment: 4000, groups: 20 } as const;

export const NormIdSchema = Type.Union([
  Type.Literal('a'), Type.Literal('b'), Type.Literal('c'), Type.Literal('d'), Type.Literal('e'), Type.Literal('f'),
  Type.Literal('g'), Type.Literal('h'), Type.Literal('i'), Type.Literal('j'), Type.Literal('k'),
]);
export const NormStatusSchema = Type.Union([Type.Literal('not_started'), Type.Literal('in_progress'), Type.Literal('implemented')]);
const Text = (max: number) => Type.String({ maxLength: max });

export const LinkSchema = Type.Object(
  { url: Type.String({ minLength: 8, maxLength: NORMS_LIMITS.url, pattern: '^https?://[^\\s]+$' }), title: Type.Optional(Type.String({ maxLength: NORMS_LIMITS.linkTitle })) },
  { additionalProperties: false },
);

/** What a state reports on one norm. */
export const NormEntrySchema = Type.Object(
  {
    norm: NormIdSchema,
    status: NormStatusSchema,
    measures: Text(NORMS_LIMITS.text),
    legislation: Text(NORMS_LIMITS.text),
    institutions: Text(NORMS_LIMITS.shortText),
    contacts: Text(NORMS_LIMITS.shortText),
    links: Type.Array(LinkSchema, { maxItems: NORMS_LIMITS.links }),
  },
  { additionalProperties: false },
);
export type NormEntry = Static<typeof NormEntrySchema>;

const Lang = Type.String({ pattern: '^[a-z]{2,3}$' });

/** A report as it is edited: a summary and one entry per norm (norms left out are not started). */
export const ReportContentSchema = Type.Object(
  {
    language: Lang,
    summary: Text(NORMS_LIMITS.summary),
    norms: Type.Array(NormEntrySchema, { maxItems: NORM_IDS.length }),
  },
  { additionalProperties: false },
);
export type ReportContent = Static<typeof ReportContentSchema>;

/** One published version of a state's report: the signed body of `norms.report/v1`. */
export const ReportVersionSchema = Type.Object(
  {
    node_id: Type.String({ minLength: 1, maxLength: 63 }),
    country: Type.String({ pattern: '^[A-Z]{2}$' }),
    version: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    published_at: Type.String({ minLength: 20, maxLength: 40 }),
    groups: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: NORMS_LIMITS.groups }),
    language: Lang,
    summary: Text(NORMS_LIMITS.summary),
    norms: Type.Array(NormEntrySchema, { minItems: NORM_IDS.length, maxItems: NORM_IDS.length }),
  },
  { additionalProperties: false },
);
export type ReportVersion = Static<typeof ReportVersionSchema>;

/** The signed body of `norms.comment/v1`: a comment on a version of the addressee's own report. */
export const CommentBodySchema = Type.Object(
  {
    comment_id: Type.String({ format: 'uuid' }),
    report_node: Type.String({ minLength: 1, maxLength: 63 }),
    version: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    norm: Type.Union([NormIdSchema, Type.Null()]),
    author_name: Type.String({ minLength: 1, maxLength: 200 }),
    text: Type.String({ minLength: 1, maxLength: NORMS_LIMITS.comment }),
    created_at: Type.String({ minLength: 20, maxLength: 40 }),
  },
  { additionalProperties: false },
);
export type CommentBody = Static<typeof CommentBodySchema>;

export const DraftSchema = Type.Object({
  id: Type.String(),
  state: Type.String(),
  content: Type.Object({ language: Type.String(), summary: Type.String(), norms: Type.Array(NormEntrySchema) }),
  created_by: Type.String(),
  updated_by: Type.String(),
  submitted_by: Type.Union([Type.String(), Type.Null()]),
  reviewed_by: Type.Union([Type.String(), Type.Null()]),
  review_note: Type.Union([Type.String(), Type.Null()]),
  published_version: Type.Union([Type.Integer(), Type.Null()]),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export type Draft = Static<typeof DraftSchema>;

export const ReviewInputSchema = Type.Object(
  { decision: Type.Union([Type.Literal('approve'), Type.Literal('return')]), note: Type.Optional(Type.String({ maxLength: NORMS_LIMITS.shortText })) },
  { additionalProperties: false },
);
export const PublishInputSchema = Type.Object(
  { groups: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: NORMS_LIMITS.groups, uniqueItems: true }) },
  { additionalProperties: false },
);
export const CommentInputSchema = Type.Object(
  { norm: Type.Optional(NormIdSchema), text: Type.String({ minLength: 1, maxLength: NORMS_LIMITS.comment }) },
  { additionalProperties: false },
);

export const StoredVersionSchema = Type.Object({
  report: ReportVersionSchema,
  own: Type.Boolean(),
  received_at: Type.String(),
  signed_by: Type.Union([Type.String(), Type.Null()]),
});

export const VersionSummarySchema = Type.Object({ node_id: Type.String(), country: Type.String(), version: Type.Integer(), published_at: Type.String(), own: Type.Boolean(), statuses: Type.Record(Type.String(), NormStatusSchema) });
export type VersionSummary = Static<typeof VersionSummarySchema>;

export const MatrixSchema = Type.Object({
  norms: Type.Array(Type.String()),
  rows: Type.Array(Type.Object({ node_id: Type.String(), country: Type.String(), version: Type.Integer(), published_at: Type.String(), statuses: Type.Array(NormStatusSchema) })),
  totals: Type.Record(Type.String(), Type.Object({ not_started: Type.Integer(), in_progress: Type.Integer(), implemented: Type.Integer() })),
});
export type Matrix = Static<typeof MatrixSchema>;

export const NormDiffSchema = Type.Object({
  norm: Type.String(),
  changed: Type.Array(Type.String()),
  status: Type.Object({ from: NormStatusSchema, to: NormStatusSchema }),
  links_added: Type.Array(Type.String()),
  links_removed: Type.Array(Type.String()),
});
export const DiffSchema = Type.Object({ node_id: Type.String(), from: Type.Integer(), to: Type.Integer(), summary_changed: Type.Boolean(), norms: Type.Array(NormDiffSchema) });
export type ReportDiff = Static<typeof DiffSchema>;

export const CommentSchema = Type.Object({
  id: Type.String(),
  direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
  report_node: Type.String(),
  version: Type.Integer(),
  norm: Type.Union([Type.String(), Type.Null()]),
  author_node: Type.String(),
  author_name: Type.String(),
  text: Type.String(),
  created_at: Type.String(),
  received_at: Type.String(),
});
export type NormsComment = Static<typeof CommentSchema>;
